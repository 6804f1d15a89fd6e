# mutant: dgamma summed over the units (axis 0) instead of over the examples
import numpy as np


def batchnorm_backward(dZ_tilde, Z, gamma, eps=1e-5):
    m = Z.shape[1]
    mu = Z.mean(axis=1, keepdims=True)
    var = Z.var(axis=1, keepdims=True)
    Z_norm = (Z - mu) / np.sqrt(var + eps)
    dbeta = dZ_tilde.sum(axis=1, keepdims=True)
    dgamma = (dZ_tilde * Z_norm).sum(axis=0, keepdims=True)
    dZ_norm = dZ_tilde * gamma
    dZ = (m * dZ_norm - dZ_norm.sum(axis=1, keepdims=True)
          - Z_norm * (dZ_norm * Z_norm).sum(axis=1, keepdims=True)) / (m * np.sqrt(var + eps))
    return dZ, dgamma, dbeta
