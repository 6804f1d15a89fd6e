# alternative: a Python loop over columns and rows, keeping the first maximum
import numpy as np


def hardmax(Z):
    C, m = Z.shape
    A = np.zeros((C, m))
    for i in range(m):
        best = 0
        for k in range(1, C):
            if Z[k, i] > Z[best, i]:
                best = k
        A[best, i] = 1
    return A
