# alternative: explicit Python loops over features and examples, accumulating in float64
import math

import numpy as np


def normalize_inputs(X_train, X_test, eps=1e-8):
    n_x, m = X_train.shape
    X_train_norm = np.empty(X_train.shape)
    X_test_norm = np.empty(X_test.shape)
    for j in range(n_x):
        mu = 0.0
        for i in range(m):
            mu += float(X_train[j, i])
        mu /= m
        var = 0.0
        for i in range(m):
            var += (float(X_train[j, i]) - mu) ** 2
        var /= m
        std = math.sqrt(var + eps)
        for i in range(m):
            X_train_norm[j, i] = (float(X_train[j, i]) - mu) / std
        for i in range(X_test.shape[1]):
            X_test_norm[j, i] = (float(X_test[j, i]) - mu) / std
    return X_train_norm, X_test_norm
