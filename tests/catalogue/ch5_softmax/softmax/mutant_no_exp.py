# mutant: forgets to exponentiate: normalizes the raw scores
import numpy as np


def softmax(Z):
    Z_shifted = Z - np.max(Z, axis=0, keepdims=True)
    return Z_shifted / np.sum(Z_shifted, axis=0, keepdims=True)
