# alternative: boolean output, first maximum found with a cumulative sum of the tie mask
import numpy as np


def hardmax(Z):
    is_max = Z == Z.max(axis=0)
    return is_max & (np.cumsum(is_max, axis=0) == 1)
