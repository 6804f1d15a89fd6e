# alternative: compares a column of class indices with the row of labels (boolean output)
import numpy as np


def one_hot(y, C):
    return np.arange(C)[:, np.newaxis] == np.asarray(y)[np.newaxis, :]
