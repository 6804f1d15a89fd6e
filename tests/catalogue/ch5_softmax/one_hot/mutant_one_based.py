# mutant: treats the labels as 1-based (row y - 1)
import numpy as np


def one_hot(y, C):
    Y = np.zeros((C, len(y)))
    Y[y - 1, np.arange(len(y))] = 1
    return Y
