# alternative: correct, but prints and warns
import warnings

import numpy as np


def softmax_regression_grads(X, Y, W, b):
    m = X.shape[1]
    Y_hat = softmax(np.matmul(W, X) + b)
    cost = cross_entropy_cost(Y_hat, Y)
    print(f"cost {cost:.4f} on {m} examples")
    if cost > np.log(Y.shape[0]):
        warnings.warn("worse than guessing uniformly")
    dZ = Y_hat - Y
    return np.matmul(dZ, X.T) / m, np.mean(dZ, axis=1).reshape(-1, 1), cost
