# mutant: re-indexes the labels present in y (np.unique), which shifts classes when some are missing
import numpy as np


def one_hot(y, C):
    _, index = np.unique(y, return_inverse=True)
    Y = np.zeros((C, len(y)))
    Y[index, np.arange(len(y))] = 1
    return Y
