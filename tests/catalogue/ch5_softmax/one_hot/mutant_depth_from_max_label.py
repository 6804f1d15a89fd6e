# mutant: ignores C and uses max(y) + 1 rows
import numpy as np


def one_hot(y, C):
    m = len(y)
    Y = np.zeros((np.max(y) + 1, m))
    Y[y, np.arange(m)] = 1
    return Y
