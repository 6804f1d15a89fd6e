# alternative: picks each column's true-class probability with fancy indexing
import numpy as np


def cross_entropy_cost(Y_hat, Y):
    m = Y.shape[1]
    labels = np.argmax(Y, axis=0)
    return -np.mean(np.log(Y_hat[labels, np.arange(m)]))
