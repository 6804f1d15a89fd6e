# mutant: swaps the row and column indices (Y[arange(m), y] on a (C, m) array)
import numpy as np


def one_hot(y, C):
    m = len(y)
    Y = np.zeros((C, m))
    Y[np.arange(m), y] = 1
    return Y
