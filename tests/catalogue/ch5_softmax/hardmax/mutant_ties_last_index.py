# mutant: breaks ties towards the last index (argmax of the flipped column)
import numpy as np


def hardmax(Z):
    C, m = Z.shape
    winners = C - 1 - np.argmax(Z[::-1], axis=0)
    A = np.zeros((C, m))
    A[winners, np.arange(m)] = 1.0
    return A
