# mutant: spread of the batch standard deviations instead of the batch means
import numpy as np


def minibatch_mean_std(Z, batch_size, seed=0):
    n, m = Z.shape
    perm = np.random.default_rng(seed).permutation(m)
    K = m // batch_size
    stds = Z[:, perm[:K * batch_size]].reshape(n, K, batch_size).std(axis=2)
    return stds.std(axis=1, keepdims=True)
