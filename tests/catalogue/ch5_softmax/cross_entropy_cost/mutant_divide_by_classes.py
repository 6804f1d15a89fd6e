# mutant: takes m from the wrong axis (Y.shape[0] is C)
import numpy as np


def cross_entropy_cost(Y_hat, Y):
    m = Y.shape[0]
    return float(-np.sum(Y * np.log(Y_hat)) / m)
