# mutant: sorts the labels first, so columns no longer follow the examples' order
import numpy as np


def one_hot(y, C):
    y = np.sort(y)
    Y = np.zeros((C, len(y)))
    Y[y, np.arange(len(y))] = 1
    return Y
