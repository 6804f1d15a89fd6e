# mutant: right Z_tilde, but the cache holds the standard deviation sqrt(var + eps) where the docstring pins the variance
import numpy as np


def batchnorm_forward(Z, gamma, beta, eps=1e-5):
    mu = np.mean(Z, axis=1, keepdims=True)
    std = np.sqrt(np.mean((Z - mu) ** 2, axis=1, keepdims=True) + eps)
    Z_norm = (Z - mu) / std
    Z_tilde = gamma * Z_norm + beta
    return Z_tilde, (Z, Z_norm, mu, std, gamma, eps)
