# mutant: divides by the column's largest exponential instead of the column sum
import numpy as np


def softmax(Z):
    T = np.exp(Z - np.max(Z, axis=0, keepdims=True))
    return T / np.max(T, axis=0, keepdims=True)
