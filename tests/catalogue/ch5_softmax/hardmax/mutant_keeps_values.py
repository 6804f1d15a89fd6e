# mutant: keeps the winning score instead of writing a 1
import numpy as np


def hardmax(Z):
    C, m = Z.shape
    winners = np.argmax(Z, axis=0)
    A = np.zeros((C, m))
    A[winners, np.arange(m)] = Z[winners, np.arange(m)]
    return A
