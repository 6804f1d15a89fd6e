# mutant: normalizes each row (axis=1) instead of each column
# names: softmax_wrong_axis
import numpy as np


def softmax(Z):
    T = np.exp(Z - np.max(Z, axis=1, keepdims=True))
    return T / np.sum(T, axis=1, keepdims=True)
