# mutant: Y[y] = 1 sets whole rows instead of one entry per column
import numpy as np


def one_hot(y, C):
    Y = np.zeros((C, len(y)))
    Y[y] = 1
    return Y
