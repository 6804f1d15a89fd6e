# mutant: draws the initial weights from the global, unseeded np.random: not reproducible
import numpy as np


def train_softmax_regression(X, Y, learning_rate=0.5, num_iterations=500, seed=0):
    W = 0.01 * np.random.randn(Y.shape[0], X.shape[0])
    b = np.zeros((Y.shape[0], 1))
    costs = []
    for _ in range(num_iterations):
        dW, db, cost = softmax_regression_grads(X, Y, W, b)
        costs.append(cost)
        W = W - learning_rate * dW
        b = b - learning_rate * db
    return {"W": W, "b": b}, costs
