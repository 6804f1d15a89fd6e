# mutant: variance with ddof=1 (unbiased) instead of the biased batch variance
# names: unbiased_variance
import numpy as np


def batchnorm_forward(Z, gamma, beta, eps=1e-5):
    mu = np.mean(Z, axis=1, keepdims=True)
    var = np.var(Z, axis=1, ddof=1, keepdims=True)
    Z_norm = (Z - mu) / np.sqrt(var + eps)
    return gamma * Z_norm + beta, (Z, Z_norm, mu, var, gamma, eps)
