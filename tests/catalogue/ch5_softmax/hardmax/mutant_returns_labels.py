# mutant: returns the integer labels (m,) instead of their one-hot matrix
import numpy as np


def hardmax(Z):
    return np.argmax(Z, axis=0)
