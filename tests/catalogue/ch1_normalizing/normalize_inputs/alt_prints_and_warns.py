# alternative: correct, but prints the statistics and issues a warning along the way
import warnings

import numpy as np


def normalize_inputs(X_train, X_test, eps=1e-8):
    mu = np.mean(X_train, axis=1, keepdims=True)
    var = np.var(X_train, axis=1, keepdims=True)
    print("feature means:", mu.ravel(), "variances:", var.ravel())
    if np.any(var < 1e-6):
        warnings.warn("a feature is almost constant; eps keeps the division finite")
    warnings.warn("normalize_inputs: remember to reuse these statistics at test time")
    return (X_train - mu) / np.sqrt(var + eps), (X_test - mu) / np.sqrt(var + eps)
