# mutant: indexes with the inverse permutation argsort(perm) instead of perm
import numpy as np


def minibatch_mean_std(Z, batch_size, seed=0):
    n, m = Z.shape
    perm = np.random.default_rng(seed).permutation(m)
    K = m // batch_size
    means = Z[:, np.argsort(perm)[:K * batch_size]].reshape(n, K, batch_size).mean(axis=2)
    return means.std(axis=1, keepdims=True)
