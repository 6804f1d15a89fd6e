# mutant: shifts the numerator but divides by the sum of the unshifted exponentials
import numpy as np


def softmax(Z):
    T = np.exp(Z - np.max(Z, axis=0, keepdims=True))
    return T / np.sum(np.exp(Z), axis=0, keepdims=True)
