# alternative: the cache as a list in the docstring's order, the variance from the mean of squares, float32 kept
import numpy as np


def batchnorm_forward(Z, gamma, beta, eps=1e-5):
    mu = Z.mean(axis=1, keepdims=True)
    var = np.square(Z - mu).mean(axis=1, keepdims=True)
    Z_norm = (Z - mu) * (1.0 / np.sqrt(var + eps)).astype(Z.dtype)
    return Z_norm * gamma + beta, [Z, Z_norm, mu, var, gamma, eps]
