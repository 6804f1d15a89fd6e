# mutant: logistic regression's binary cross-entropy applied to every class
import numpy as np


def cross_entropy_cost(Y_hat, Y):
    m = Y.shape[1]
    return float(-np.sum(Y * np.log(Y_hat) + (1 - Y) * np.log(1 - Y_hat)) / m)
