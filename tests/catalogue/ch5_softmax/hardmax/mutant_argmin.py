# mutant: marks the smallest entry of each column
import numpy as np


def hardmax(Z):
    C, m = Z.shape
    A = np.zeros((C, m))
    A[np.argmin(Z, axis=0), np.arange(m)] = 1.0
    return A
