# mutant: keeps the short last mini-batch instead of dropping it
import numpy as np


def minibatch_mean_std(Z, batch_size, seed=0):
    m = Z.shape[1]
    Z_shuffled = Z[:, np.random.default_rng(seed).permutation(m)]
    means = [Z_shuffled[:, start:start + batch_size].mean(axis=1) for start in range(0, m, batch_size)]
    return np.std(np.stack(means, axis=1), axis=1, keepdims=True)
