# mutant: logistic regression's np.dot(Y, log(A).T) summed: adds the logs of every class
import numpy as np


def cross_entropy_cost(Y_hat, Y):
    m = Y.shape[1]
    return float(-np.sum(np.dot(Y, np.log(Y_hat).T)) / m)
