# mutant: divides q by 100 and passes the fractions to np.percentile
import numpy as np


def input_percentiles(Z, q=(15, 50, 85)):
    return np.percentile(Z, np.asarray(q) / 100, axis=1)
