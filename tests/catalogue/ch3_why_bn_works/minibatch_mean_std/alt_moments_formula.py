# alternative: variance as E[mu^2] - E[mu]^2 over the batch means, clipped at 0, in the input dtype
import numpy as np


def minibatch_mean_std(Z, batch_size, seed=0):
    n, m = Z.shape
    perm = np.random.default_rng(seed).permutation(m)
    num_batches = m // batch_size
    means = Z[:, perm[:num_batches * batch_size]].reshape(n, num_batches, batch_size).mean(axis=2)
    variance = np.mean(means ** 2, axis=1, keepdims=True) - np.mean(means, axis=1, keepdims=True) ** 2
    print("batch means computed for", num_batches, "batches")
    return np.sqrt(np.maximum(variance, 0))
