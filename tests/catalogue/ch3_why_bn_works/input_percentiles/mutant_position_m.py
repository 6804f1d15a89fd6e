# mutant: interpolates at position q/100 * m instead of q/100 * (m - 1)
import numpy as np


def input_percentiles(Z, q=(15, 50, 85)):
    Z_sorted = np.sort(Z, axis=1)
    m = Z.shape[1]
    h = np.clip(np.asarray(q, dtype=float) / 100 * m, 0, m - 1)
    below = np.floor(h).astype(int)
    above = np.minimum(below + 1, m - 1)
    return (Z_sorted[:, below] + (h - below) * (Z_sorted[:, above] - Z_sorted[:, below])).T
