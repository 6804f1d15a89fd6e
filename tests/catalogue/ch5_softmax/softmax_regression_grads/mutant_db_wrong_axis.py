# mutant: db averaged over the classes (axis 0) instead of the examples
import numpy as np


def softmax_regression_grads(X, Y, W, b):
    m = X.shape[1]
    Y_hat = softmax(W @ X + b)
    dZ = Y_hat - Y
    return dZ @ X.T / m, np.mean(dZ, axis=0, keepdims=True), cross_entropy_cost(Y_hat, Y)
