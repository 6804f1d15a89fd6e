# mutant: one mean and one variance over all entries of X_train, not one per feature
import numpy as np


def normalize_inputs(X_train, X_test, eps=1e-8):
    mu = np.mean(X_train)
    std = np.sqrt(np.var(X_train) + eps)
    return (X_train - mu) / std, (X_test - mu) / std
