# mutant: normalizes the test set with its own mean and variance instead of the training ones
# names: test_own_statistics
import numpy as np


def normalize_inputs(X_train, X_test, eps=1e-8):
    def scale(X):
        mu = np.mean(X, axis=1, keepdims=True)
        var = np.var(X, axis=1, keepdims=True)
        return (X - mu) / np.sqrt(var + eps)

    return scale(X_train), scale(X_test)
