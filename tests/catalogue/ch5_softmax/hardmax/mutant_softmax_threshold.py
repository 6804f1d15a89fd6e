# mutant: thresholds the softmax at 0.5, so a column with no dominant class gets no 1 at all
import numpy as np


def hardmax(Z):
    T = np.exp(Z - np.max(Z, axis=0, keepdims=True))
    return (T / T.sum(axis=0, keepdims=True) > 0.5).astype(float)
