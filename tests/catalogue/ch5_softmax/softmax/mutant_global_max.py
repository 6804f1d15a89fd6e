# mutant: shifts by the largest entry of the whole matrix: columns 2000 below it underflow to 0/0
import numpy as np


def softmax(Z):
    T = np.exp(Z - np.max(Z))
    return T / np.sum(T, axis=0, keepdims=True)
