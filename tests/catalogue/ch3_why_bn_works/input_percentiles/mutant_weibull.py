# mutant: method='weibull' (position q/100 * (m + 1) - 1, like a spreadsheet's PERCENTILE.EXC)
import numpy as np


def input_percentiles(Z, q=(15, 50, 85)):
    return np.percentile(Z, q, axis=1, method="weibull")
