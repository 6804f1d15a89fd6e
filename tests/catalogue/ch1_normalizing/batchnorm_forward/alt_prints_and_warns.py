# alternative: correct, but prints the batch statistics and issues warnings along the way
import warnings

import numpy as np


def batchnorm_forward(Z, gamma, beta, eps=1e-5):
    n, m = Z.shape
    print(f"batchnorm_forward: {n} units, {m} examples")
    if m == 1:
        warnings.warn("a batch of one example: every unit equals its mean, so Z_tilde is beta")
    mu = np.mean(Z, axis=1, keepdims=True)
    var = np.mean((Z - mu) ** 2, axis=1, keepdims=True)
    print("batch means:", mu.ravel(), "batch variances:", var.ravel())
    warnings.warn("batchnorm_forward is running in training mode")
    Z_norm = (Z - mu) / np.sqrt(var + eps)
    return gamma * Z_norm + beta, (Z, Z_norm, mu, var, gamma, eps)
