# mutant: np.argmax without an axis: a single one at the largest entry of the whole matrix
import numpy as np


def hardmax(Z):
    A = np.zeros(Z.size)
    A[np.argmax(Z)] = 1.0
    return A.reshape(Z.shape)
