# mutant: dW = X dZ^T / m, shape (n_x, C)
import numpy as np


def softmax_regression_grads(X, Y, W, b):
    m = X.shape[1]
    Y_hat = softmax(W @ X + b)
    dZ = Y_hat - Y
    return X @ dZ.T / m, np.sum(dZ, axis=1, keepdims=True) / m, cross_entropy_cost(Y_hat, Y)
