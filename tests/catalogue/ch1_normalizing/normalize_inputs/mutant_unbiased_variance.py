# mutant: unbiased variance (ddof=1, divide by m - 1) instead of the biased one
# names: unbiased_variance
import numpy as np


def normalize_inputs(X_train, X_test, eps=1e-8):
    mu = np.mean(X_train, axis=1, keepdims=True)
    var = np.var(X_train, axis=1, ddof=1, keepdims=True)
    std = np.sqrt(var + eps)
    return (X_train - mu) / std, (X_test - mu) / std
