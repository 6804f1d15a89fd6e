# mutant: returns shape (n, len(q)), one row per unit
import numpy as np


def input_percentiles(Z, q=(15, 50, 85)):
    return np.percentile(Z, q, axis=1).T
