# mutant: divides by the plain standard deviation, forgetting eps
# names: ignores_eps
import numpy as np


def batchnorm_forward(Z, gamma, beta, eps=1e-5):
    mu = np.mean(Z, axis=1, keepdims=True)
    var = np.var(Z, axis=1, keepdims=True)
    Z_norm = (Z - mu) / np.sqrt(var)
    return gamma * Z_norm + beta, (Z, Z_norm, mu, var, gamma, eps)
