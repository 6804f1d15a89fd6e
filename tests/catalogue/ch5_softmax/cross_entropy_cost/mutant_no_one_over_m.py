# mutant: sums the losses instead of averaging them (no 1/m)
import numpy as np


def cross_entropy_cost(Y_hat, Y):
    return float(-np.sum(Y * np.log(Y_hat)))
