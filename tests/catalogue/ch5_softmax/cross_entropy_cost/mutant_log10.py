# mutant: base-10 logarithm instead of the natural log
import numpy as np


def cross_entropy_cost(Y_hat, Y):
    return float(-np.sum(Y * np.log10(Y_hat)) / Y.shape[1])
