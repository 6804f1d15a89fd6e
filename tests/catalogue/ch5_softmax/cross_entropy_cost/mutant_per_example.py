# mutant: returns the per-example losses (m,) instead of their average
import numpy as np


def cross_entropy_cost(Y_hat, Y):
    return -np.sum(Y * np.log(Y_hat), axis=0)
