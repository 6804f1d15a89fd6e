# mutant: overwrites X_train first, then takes the test statistics from the normalized training set
import numpy as np


def normalize_inputs(X_train, X_test, eps=1e-8):
    mu = np.mean(X_train, axis=1, keepdims=True)
    var = np.var(X_train, axis=1, keepdims=True)
    X_train = (X_train - mu) / np.sqrt(var + eps)
    mu = np.mean(X_train, axis=1, keepdims=True)
    var = np.var(X_train, axis=1, keepdims=True)
    X_test = (X_test - mu) / np.sqrt(var + eps)
    return X_train, X_test
