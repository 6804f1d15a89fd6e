# alternative: self-contained, W and b stacked into one matrix acting on [X; 1]
import numpy as np


def train_softmax_regression(X, Y, learning_rate=0.5, num_iterations=500, seed=0):
    n_x, m = X.shape
    C = Y.shape[0]
    X1 = np.vstack([X, np.ones((1, m))])
    theta = np.hstack([0.01 * np.random.default_rng(seed).normal(size=(C, n_x)), np.zeros((C, 1))])
    costs = []
    for _ in range(num_iterations):
        Z = theta @ X1
        T = np.exp(Z - Z.max(axis=0))
        P = T / T.sum(axis=0)
        costs.append(-np.sum(Y * np.log(P)) / m)
        theta = theta - learning_rate * (P - Y) @ X1.T / m
    return {"W": theta[:, :n_x], "b": theta[:, n_x:]}, costs
