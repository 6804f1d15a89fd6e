# mutant: marks each row's largest entry (axis=1) instead of each column's
import numpy as np


def hardmax(Z):
    return (Z == np.max(Z, axis=1, keepdims=True)).astype(float)
