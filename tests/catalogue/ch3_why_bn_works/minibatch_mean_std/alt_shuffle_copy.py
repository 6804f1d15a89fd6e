# alternative: shuffles a copy in place with rng.shuffle, then drops the leftover by list slicing
import numpy as np


def minibatch_mean_std(Z, batch_size, seed=0):
    Z_shuffled = Z.T.copy()
    np.random.default_rng(seed).shuffle(Z_shuffled)        # shuffles the rows of Z.T, i.e. the columns of Z
    batches = [Z_shuffled[i:i + batch_size] for i in range(0, len(Z_shuffled), batch_size)]
    batches = [b for b in batches if len(b) == batch_size]
    means = np.array([b.mean(axis=0) for b in batches])    # (K, n)
    return means.std(axis=0)[:, None]
