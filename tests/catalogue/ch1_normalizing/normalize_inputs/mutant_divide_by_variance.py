# mutant: divides by the variance instead of by its square root
import numpy as np


def normalize_inputs(X_train, X_test, eps=1e-8):
    mu = np.mean(X_train, axis=1, keepdims=True)
    var = np.var(X_train, axis=1, keepdims=True)
    return (X_train - mu) / (var + eps), (X_test - mu) / (var + eps)
