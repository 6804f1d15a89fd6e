# mutant: indexes rows only (A[winners] = 1), which fills whole rows with ones
import numpy as np


def hardmax(Z):
    A = np.zeros(Z.shape)
    A[np.argmax(Z, axis=0)] = 1.0
    return A
