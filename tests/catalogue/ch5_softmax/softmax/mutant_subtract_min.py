# mutant: subtracts each column's minimum instead of its maximum (overflows for wide columns)
import numpy as np


def softmax(Z):
    T = np.exp(Z - np.min(Z, axis=0, keepdims=True))
    return T / np.sum(T, axis=0, keepdims=True)
