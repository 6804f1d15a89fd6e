# mutant: right values, but shuffles the caller's Z in place (rng.shuffle on Z.T)
import numpy as np


def minibatch_mean_std(Z, batch_size, seed=0):
    n, m = Z.shape
    np.random.default_rng(seed).shuffle(Z.T)
    K = m // batch_size
    means = Z[:, :K * batch_size].reshape(n, K, batch_size).mean(axis=2)
    return means.std(axis=1, keepdims=True)
