# mutant: eps added to the standard deviation, outside the square root
# names: eps_outside_sqrt
import numpy as np


def batchnorm_forward(Z, gamma, beta, eps=1e-5):
    mu = np.mean(Z, axis=1, keepdims=True)
    var = np.var(Z, axis=1, keepdims=True)
    Z_norm = (Z - mu) / (np.sqrt(var) + eps)
    return gamma * Z_norm + beta, (Z, Z_norm, mu, var, gamma, eps)
