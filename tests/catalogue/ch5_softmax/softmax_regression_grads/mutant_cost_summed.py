# mutant: right gradients, but the returned cost is summed over the examples (no 1/m)
import numpy as np


def softmax_regression_grads(X, Y, W, b):
    m = X.shape[1]
    Y_hat = softmax(W @ X + b)
    dZ = Y_hat - Y
    cost = -np.sum(Y * np.log(Y_hat))
    return dZ @ X.T / m, np.sum(dZ, axis=1, keepdims=True) / m, cost
