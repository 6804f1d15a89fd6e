# mutant: right Z_tilde, but the cache is a dict without mu, var and eps, which the docstring's cache holds
import numpy as np


def batchnorm_forward(Z, gamma, beta, eps=1e-5):
    mu = np.mean(Z, axis=1, keepdims=True)
    var = np.var(Z, axis=1, keepdims=True)
    Z_norm = (Z - mu) / np.sqrt(var + eps)
    return gamma * Z_norm + beta, {"Z": Z, "Z_norm": Z_norm, "gamma": gamma}
