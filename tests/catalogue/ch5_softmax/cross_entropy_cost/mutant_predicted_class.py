# mutant: uses the probability of the predicted class instead of the true class
import numpy as np


def cross_entropy_cost(Y_hat, Y):
    return float(-np.mean(np.log(np.max(Y_hat, axis=0))))
