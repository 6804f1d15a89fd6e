# alternative: accumulates the gradient one example at a time
import numpy as np


def softmax_regression_grads(X, Y, W, b):
    n_x, m = X.shape
    dW = np.zeros(W.shape)
    db = np.zeros(b.shape)
    cost = 0.0
    for i in range(m):
        x = X[:, i:i + 1]
        y = Y[:, i:i + 1]
        z = W @ x + b
        y_hat = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
        cost -= float(np.sum(y * np.log(y_hat)))
        dW += (y_hat - y) @ x.T
        db += y_hat - y
    return dW / m, db / m, cost / m
