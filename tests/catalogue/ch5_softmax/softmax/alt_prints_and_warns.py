# alternative: correct, but prints and issues warnings along the way
import warnings

import numpy as np


def softmax(Z):
    print("softmax of", Z.shape[1], "columns with", Z.shape[0], "classes")
    if np.max(np.abs(Z)) > 100:
        warnings.warn("large scores: shifting each column by its maximum")
    T = np.exp(Z - np.max(Z, axis=0, keepdims=True))
    A = T / np.sum(T, axis=0, keepdims=True)
    print("column sums:", A.sum(axis=0)[:3])
    return A
