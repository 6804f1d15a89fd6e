# mutant: sorts q, so the rows no longer follow the order of q
import numpy as np


def input_percentiles(Z, q=(15, 50, 85)):
    return np.percentile(Z, sorted(q), axis=1)
