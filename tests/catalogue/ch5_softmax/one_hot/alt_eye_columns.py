# alternative: picks columns of the identity matrix
import numpy as np


def one_hot(y, C):
    return np.eye(C)[:, y]
