# alternative: np.var for the variance and np.divide/np.subtract with explicit broadcasting via [:, None]
import numpy as np


def normalize_inputs(X_train, X_test, eps=1e-8):
    mu = X_train.mean(axis=1)
    std = np.sqrt(X_train.var(axis=1) + eps)
    return np.divide(np.subtract(X_train, mu[:, None]), std[:, None]), (X_test - mu[:, None]) / std[:, None]
