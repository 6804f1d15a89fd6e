# mutant: np.quantile with q in percent (np.quantile expects fractions)
import numpy as np


def input_percentiles(Z, q=(15, 50, 85)):
    return np.quantile(Z, q, axis=1)
