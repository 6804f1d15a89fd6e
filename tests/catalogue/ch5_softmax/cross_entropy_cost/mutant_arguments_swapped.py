# mutant: swaps the roles of Y and Y_hat: -sum(Y_hat * log(Y))
import numpy as np


def cross_entropy_cost(Y_hat, Y):
    return float(-np.sum(Y_hat * np.log(Y)) / Y.shape[1])
