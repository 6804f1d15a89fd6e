# alternative: correct, but prints progress every 100 iterations and warns at the end
import warnings

import numpy as np


def train_softmax_regression(X, Y, learning_rate=0.5, num_iterations=500, seed=0):
    rng = np.random.default_rng(seed)
    params = {"W": rng.normal(0.0, 0.01, size=(Y.shape[0], X.shape[0])), "b": np.zeros((Y.shape[0], 1))}
    costs = []
    for i in range(num_iterations):
        dW, db, cost = softmax_regression_grads(X, Y, params["W"], params["b"])
        costs.append(cost)
        if i % 100 == 0:
            print(f"iteration {i}: cost {cost:.4f}")
        params = {"W": params["W"] - learning_rate * dW, "b": params["b"] - learning_rate * db}
    warnings.warn("training finished; check the cost curve")
    return params, costs
