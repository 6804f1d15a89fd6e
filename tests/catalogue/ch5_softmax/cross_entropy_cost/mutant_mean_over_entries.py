# mutant: np.mean over all C*m entries instead of dividing by m
import numpy as np


def cross_entropy_cost(Y_hat, Y):
    return float(-np.mean(Y * np.log(Y_hat)))
