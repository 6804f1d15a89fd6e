# mutant: computes its own gradients without the 1/m (an m times larger step)
import numpy as np


def train_softmax_regression(X, Y, learning_rate=0.5, num_iterations=500, seed=0):
    rng = np.random.default_rng(seed)
    W = 0.01 * rng.standard_normal((Y.shape[0], X.shape[0]))
    b = np.zeros((Y.shape[0], 1))
    costs = []
    for _ in range(num_iterations):
        Y_hat = softmax(W @ X + b)
        costs.append(cross_entropy_cost(Y_hat, Y))
        dZ = Y_hat - Y
        W = W - learning_rate * dZ @ X.T
        b = b - learning_rate * np.sum(dZ, axis=1, keepdims=True)
    return {"W": W, "b": b}, costs
