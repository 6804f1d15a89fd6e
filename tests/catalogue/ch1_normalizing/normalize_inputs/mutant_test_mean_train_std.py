# mutant: centres the test set on its own mean, but scales it by the training variance
import numpy as np


def normalize_inputs(X_train, X_test, eps=1e-8):
    std = np.sqrt(np.var(X_train, axis=1, keepdims=True) + eps)
    X_train_norm = (X_train - np.mean(X_train, axis=1, keepdims=True)) / std
    X_test_norm = (X_test - np.mean(X_test, axis=1, keepdims=True)) / std
    return X_train_norm, X_test_norm
