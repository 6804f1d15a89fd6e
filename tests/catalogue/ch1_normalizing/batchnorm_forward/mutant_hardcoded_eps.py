# mutant: ignores the eps argument and always uses 1e-5
# names: ignores_eps
import numpy as np


def batchnorm_forward(Z, gamma, beta, eps=1e-5):
    mu = np.mean(Z, axis=1, keepdims=True)
    var = np.var(Z, axis=1, keepdims=True)
    Z_norm = (Z - mu) / np.sqrt(var + 1e-5)
    return gamma * Z_norm + beta, (Z, Z_norm, mu, var, gamma, eps)
