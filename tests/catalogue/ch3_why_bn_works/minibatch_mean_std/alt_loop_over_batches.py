# alternative: Python loops over units and batches, and the spread written out as sqrt(mean of squares)
import numpy as np


def minibatch_mean_std(Z, batch_size, seed=0):
    n, m = Z.shape
    perm = np.random.default_rng(seed).permutation(m)
    num_batches = m // batch_size
    result = np.zeros((n, 1))
    for j in range(n):
        means = []
        for k in range(num_batches):
            columns = perm[k * batch_size:(k + 1) * batch_size]
            means.append(sum(Z[j, c] for c in columns) / batch_size)
        centre = sum(means) / num_batches
        result[j, 0] = (sum((mu - centre) ** 2 for mu in means) / num_batches) ** 0.5
    return result
