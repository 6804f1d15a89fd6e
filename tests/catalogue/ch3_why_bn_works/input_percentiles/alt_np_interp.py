# alternative: np.interp on each unit's sorted values at positions q/100 * (m - 1), with a warning
import numpy as np


def input_percentiles(Z, q=(15, 50, 85)):
    import warnings

    warnings.warn("computing percentiles by hand")
    m = Z.shape[1]
    positions = np.asarray(q, dtype=float) / 100 * (m - 1)
    return np.array([np.interp(positions, np.arange(m), np.sort(row)) for row in Z]).T
