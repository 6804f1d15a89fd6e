# mutant: hard-codes a step size of 0.5 and ignores the learning_rate argument
import numpy as np


def train_softmax_regression(X, Y, learning_rate=0.5, num_iterations=500, seed=0):
    rng = np.random.default_rng(seed)
    W = 0.01 * rng.standard_normal((Y.shape[0], X.shape[0]))
    b = np.zeros((Y.shape[0], 1))
    costs = []
    for _ in range(num_iterations):
        dW, db, cost = softmax_regression_grads(X, Y, W, b)
        costs.append(cost)
        W = W - 0.5 * dW
        b = b - 0.5 * db
    return {"W": W, "b": b}, costs
