# alternative: zero initialisation (the cost is convex) and costs recorded after each step
import numpy as np


def train_softmax_regression(X, Y, learning_rate=0.5, num_iterations=500, seed=0):
    W = np.zeros((Y.shape[0], X.shape[0]))
    b = np.zeros((Y.shape[0], 1))
    costs = []
    for _ in range(num_iterations):
        dW, db, _ = softmax_regression_grads(X, Y, W, b)
        W -= learning_rate * dW
        b -= learning_rate * db
        costs.append(cross_entropy_cost(softmax(W @ X + b), Y))
    return {"W": W, "b": b}, costs
