# mutant: returns the variance of the batch means, forgetting the square root
import numpy as np


def minibatch_mean_std(Z, batch_size, seed=0):
    n, m = Z.shape
    perm = np.random.default_rng(seed).permutation(m)
    K = m // batch_size
    means = Z[:, perm[:K * batch_size]].reshape(n, K, batch_size).mean(axis=2)
    return means.var(axis=1, keepdims=True)
