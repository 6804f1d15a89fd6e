# mutant: treats mu and var as constants, dZ = dZ_tilde * gamma / sqrt(var + eps)
import numpy as np


def batchnorm_backward(dZ_tilde, Z, gamma, eps=1e-5):
    mu = Z.mean(axis=1, keepdims=True)
    var = Z.var(axis=1, keepdims=True)
    Z_norm = (Z - mu) / np.sqrt(var + eps)
    dbeta = np.sum(dZ_tilde, axis=1, keepdims=True)
    dgamma = np.sum(dZ_tilde * Z_norm, axis=1, keepdims=True)
    dZ = dZ_tilde * gamma / np.sqrt(var + eps)
    return dZ, dgamma, dbeta
