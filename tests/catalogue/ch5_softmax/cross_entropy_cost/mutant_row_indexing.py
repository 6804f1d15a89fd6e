# mutant: Y_hat[labels] picks whole rows (every example's probability of those classes)
import numpy as np


def cross_entropy_cost(Y_hat, Y):
    labels = np.argmax(Y, axis=0)
    return float(-np.sum(np.log(Y_hat[labels])) / Y.shape[1])
