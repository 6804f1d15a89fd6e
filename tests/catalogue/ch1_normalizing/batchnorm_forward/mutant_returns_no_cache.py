# mutant: returns Z_tilde alone, without the cache
import numpy as np


def batchnorm_forward(Z, gamma, beta, eps=1e-5):
    mu = np.mean(Z, axis=1, keepdims=True)
    var = np.var(Z, axis=1, keepdims=True)
    return gamma * (Z - mu) / np.sqrt(var + eps) + beta
