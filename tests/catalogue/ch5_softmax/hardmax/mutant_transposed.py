# mutant: np.eye(C)[labels] without the transpose: shape (m, C)
import numpy as np


def hardmax(Z):
    return np.eye(Z.shape[0])[np.argmax(Z, axis=0)]
