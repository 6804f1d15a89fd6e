# alternative: Xavier-style N(0, 1/n_x) initial weights, seeded legacy RandomState, costs as an array
import numpy as np


def train_softmax_regression(X, Y, learning_rate=0.5, num_iterations=500, seed=0):
    n_x = X.shape[0]
    C = Y.shape[0]
    W = np.random.RandomState(seed).randn(C, n_x) / np.sqrt(n_x)
    b = np.zeros((C, 1))
    costs = np.zeros(num_iterations)
    for i in range(num_iterations):
        dW, db, costs[i] = softmax_regression_grads(X, Y, W, b)
        W, b = W - learning_rate * dW, b - learning_rate * db
    return {"W": W, "b": b}, costs
