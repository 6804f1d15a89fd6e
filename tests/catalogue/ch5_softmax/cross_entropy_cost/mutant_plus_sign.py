# mutant: forgets the minus sign
import numpy as np


def cross_entropy_cost(Y_hat, Y):
    return float(np.sum(Y * np.log(Y_hat)) / Y.shape[1])
