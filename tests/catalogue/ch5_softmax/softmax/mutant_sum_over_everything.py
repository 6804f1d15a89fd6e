# mutant: divides by the sum over the whole matrix instead of each column's sum
import numpy as np


def softmax(Z):
    T = np.exp(Z - np.max(Z, axis=0, keepdims=True))
    return T / np.sum(T)
