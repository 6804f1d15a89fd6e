# mutant: method='nearest' instead of linear interpolation
import numpy as np


def input_percentiles(Z, q=(15, 50, 85)):
    return np.percentile(Z, q, axis=1, method="nearest")
