# mutant: cuts the mini-batches from Z in its original column order, without shuffling
import numpy as np


def minibatch_mean_std(Z, batch_size, seed=0):
    n, m = Z.shape
    K = m // batch_size
    means = Z[:, :K * batch_size].reshape(n, K, batch_size).mean(axis=2)
    return means.std(axis=1, keepdims=True)
