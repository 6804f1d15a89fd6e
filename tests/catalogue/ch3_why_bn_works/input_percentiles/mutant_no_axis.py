# mutant: percentiles of all entries of Z together (no axis)
import numpy as np


def input_percentiles(Z, q=(15, 50, 85)):
    return np.percentile(Z, q)
