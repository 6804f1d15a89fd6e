# mutant: stores W as (n_x, C) and computes the scores as W.T @ X
import numpy as np


def train_softmax_regression(X, Y, learning_rate=0.5, num_iterations=500, seed=0):
    rng = np.random.default_rng(seed)
    W = 0.01 * rng.standard_normal((X.shape[0], Y.shape[0]))
    b = np.zeros((Y.shape[0], 1))
    costs = []
    for _ in range(num_iterations):
        dW, db, cost = softmax_regression_grads(X, Y, W.T, b)
        costs.append(cost)
        W = W - learning_rate * dW.T
        b = b - learning_rate * db
    return {"W": W, "b": b}, costs
