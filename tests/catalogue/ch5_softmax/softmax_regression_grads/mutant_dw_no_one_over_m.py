# mutant: dW without the 1/m
import numpy as np


def softmax_regression_grads(X, Y, W, b):
    m = X.shape[1]
    Y_hat = softmax(W @ X + b)
    dZ = Y_hat - Y
    return dZ @ X.T, np.sum(dZ, axis=1, keepdims=True) / m, cross_entropy_cost(Y_hat, Y)
