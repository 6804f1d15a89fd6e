# mutant: percentiles over axis 0 (across units) instead of over the examples
import numpy as np


def input_percentiles(Z, q=(15, 50, 85)):
    return np.percentile(Z, q, axis=0)
