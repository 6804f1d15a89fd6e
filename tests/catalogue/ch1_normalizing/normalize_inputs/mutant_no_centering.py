# mutant: divides by the standard deviation but never subtracts the mean
import numpy as np


def normalize_inputs(X_train, X_test, eps=1e-8):
    std = np.sqrt(np.var(X_train, axis=1, keepdims=True) + eps)
    return X_train / std, X_test / std
