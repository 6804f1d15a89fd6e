# mutant: sorts and takes the value at index int(q / 100 * m), no interpolation
import numpy as np


def input_percentiles(Z, q=(15, 50, 85)):
    Z_sorted = np.sort(Z, axis=1)
    m = Z.shape[1]
    indices = [min(int(p / 100 * m), m - 1) for p in q]
    return Z_sorted[:, indices].T
