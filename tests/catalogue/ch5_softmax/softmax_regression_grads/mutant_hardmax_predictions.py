# mutant: uses the hard predictions (hardmax) in dZ instead of the probabilities
import numpy as np


def softmax_regression_grads(X, Y, W, b):
    m = X.shape[1]
    Z = W @ X + b
    dZ = hardmax(Z) - Y
    return dZ @ X.T / m, np.sum(dZ, axis=1, keepdims=True) / m, cross_entropy_cost(softmax(Z), Y)
