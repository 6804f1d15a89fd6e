# mutant: writes the label itself instead of a 1 (class 0 gets a 0)
import numpy as np


def one_hot(y, C):
    Y = np.zeros((C, len(y)))
    Y[y, np.arange(len(y))] = y
    return Y
