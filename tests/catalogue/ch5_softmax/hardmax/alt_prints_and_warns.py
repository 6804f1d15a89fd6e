# alternative: correct, but prints and issues a warning when a column has a tie
import warnings

import numpy as np


def hardmax(Z):
    C, m = Z.shape
    ties = np.sum(Z == Z.max(axis=0), axis=0) > 1
    if np.any(ties):
        warnings.warn(f"{int(ties.sum())} columns tie; keeping the first maximum")
    winners = np.argmax(Z, axis=0)
    print("winning rows:", winners[:5])
    A = np.zeros_like(Z, dtype=float)
    A[winners, np.arange(m)] = 1
    return A
