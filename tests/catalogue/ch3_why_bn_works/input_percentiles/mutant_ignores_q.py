# mutant: always computes the 15th, 50th and 85th percentiles, whatever q is
import numpy as np


def input_percentiles(Z, q=(15, 50, 85)):
    return np.percentile(Z, (15, 50, 85), axis=1)
