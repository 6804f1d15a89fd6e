# mutant: divides by the plain standard deviation, forgetting eps
# names: ignores_eps
import numpy as np


def normalize_inputs(X_train, X_test, eps=1e-8):
    mu = np.mean(X_train, axis=1, keepdims=True)
    sigma = np.std(X_train, axis=1, keepdims=True)
    return (X_train - mu) / sigma, (X_test - mu) / sigma
