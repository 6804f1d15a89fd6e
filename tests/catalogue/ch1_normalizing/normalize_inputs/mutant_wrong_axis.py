# mutant: statistics over axis 0 (across features, per example) instead of over the examples
import numpy as np


def normalize_inputs(X_train, X_test, eps=1e-8):
    mu = np.mean(X_train, axis=0, keepdims=True)
    var = np.var(X_train, axis=0, keepdims=True)
    X_train_norm = (X_train - mu) / np.sqrt(var + eps)
    X_test_norm = (X_test - np.mean(X_test, axis=0, keepdims=True)) / np.sqrt(np.var(X_test, axis=0, keepdims=True) + eps)
    return X_train_norm, X_test_norm
