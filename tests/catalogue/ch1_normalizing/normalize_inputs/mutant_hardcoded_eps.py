# mutant: ignores the eps argument and always uses 1e-8
# names: ignores_eps
import numpy as np


def normalize_inputs(X_train, X_test, eps=1e-8):
    mu = np.mean(X_train, axis=1, keepdims=True)
    std = np.sqrt(np.var(X_train, axis=1, keepdims=True) + 1e-8)
    return (X_train - mu) / std, (X_test - mu) / std
