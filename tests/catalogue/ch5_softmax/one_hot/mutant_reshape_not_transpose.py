# mutant: fixes the (m, C) shape with reshape instead of a transpose, scrambling the entries
import numpy as np


def one_hot(y, C):
    return np.eye(C)[y].reshape(C, len(y))
