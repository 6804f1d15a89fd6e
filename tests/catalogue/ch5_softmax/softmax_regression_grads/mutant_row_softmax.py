# mutant: its own softmax over the wrong axis (rows) inside the gradient
import numpy as np


def softmax_regression_grads(X, Y, W, b):
    m = X.shape[1]
    Z = W @ X + b
    T = np.exp(Z - Z.max(axis=1, keepdims=True))
    Y_hat = T / T.sum(axis=1, keepdims=True)
    dZ = Y_hat - Y
    return dZ @ X.T / m, np.sum(dZ, axis=1, keepdims=True) / m, cross_entropy_cost(Y_hat, Y)
