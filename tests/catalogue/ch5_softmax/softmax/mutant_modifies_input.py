# mutant: right values, but shifts Z in place (Z -= max), so the caller's array is changed
import numpy as np


def softmax(Z):
    Z -= np.max(Z, axis=0, keepdims=True)
    T = np.exp(Z)
    return T / np.sum(T, axis=0, keepdims=True)
