# alternative: rng.permutation on Z.T (the same permutation of the columns) and np.split
import numpy as np


def minibatch_mean_std(Z, batch_size, seed=0):
    n, m = Z.shape
    Z_shuffled = np.random.default_rng(seed).permutation(Z.T).T
    num_batches = m // batch_size
    batches = np.split(Z_shuffled[:, :num_batches * batch_size], num_batches, axis=1)
    means = np.hstack([batch.mean(axis=1, keepdims=True) for batch in batches])
    return np.std(means, axis=1).reshape(n, 1)
