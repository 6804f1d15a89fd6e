# mutant: db without keepdims, shape (C,) instead of (C, 1)
import numpy as np


def softmax_regression_grads(X, Y, W, b):
    m = X.shape[1]
    Y_hat = softmax(W @ X + b)
    dZ = Y_hat - Y
    return dZ @ X.T / m, np.sum(dZ, axis=1) / m, cross_entropy_cost(Y_hat, Y)
