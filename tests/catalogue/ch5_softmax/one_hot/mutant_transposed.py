# mutant: one row per example, shape (m, C), as Keras would lay it out
import numpy as np


def one_hot(y, C):
    return np.eye(C)[y]
