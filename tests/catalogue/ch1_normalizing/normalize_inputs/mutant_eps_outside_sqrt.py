# mutant: adds eps to the standard deviation, outside the square root
# names: eps_outside_sqrt
import numpy as np


def normalize_inputs(X_train, X_test, eps=1e-8):
    mu = np.mean(X_train, axis=1, keepdims=True)
    sigma = np.std(X_train, axis=1, keepdims=True) + eps
    return (X_train - mu) / sigma, (X_test - mu) / sigma
