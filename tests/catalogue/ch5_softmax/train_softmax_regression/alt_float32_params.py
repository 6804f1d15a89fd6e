# alternative: keeps the parameters in float32 (the default of most frameworks)
import numpy as np


def train_softmax_regression(X, Y, learning_rate=0.5, num_iterations=500, seed=0):
    rng = np.random.default_rng(seed)
    W = (0.01 * rng.standard_normal((Y.shape[0], X.shape[0]))).astype(np.float32)
    b = np.zeros((Y.shape[0], 1), dtype=np.float32)
    lr = np.float32(learning_rate)
    costs = []
    for _ in range(num_iterations):
        dW, db, cost = softmax_regression_grads(X, Y, W, b)
        costs.append(cost)
        W = (W - lr * dW).astype(np.float32)
        b = (b - lr * db).astype(np.float32)
    return {"W": W, "b": b}, costs
