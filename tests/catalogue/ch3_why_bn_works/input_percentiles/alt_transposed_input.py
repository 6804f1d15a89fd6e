# alternative: np.percentile of Z.T over axis 0
import numpy as np


def input_percentiles(Z, q=(15, 50, 85)):
    return np.percentile(Z.T, q, axis=0)
