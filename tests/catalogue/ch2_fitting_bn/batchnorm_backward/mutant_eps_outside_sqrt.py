# mutant: eps added after the square root when recomputing the statistics
import numpy as np


def batchnorm_backward(dZ_tilde, Z, gamma, eps=1e-5):
    m = Z.shape[1]
    mu = Z.mean(axis=1, keepdims=True)
    std = np.sqrt(Z.var(axis=1, keepdims=True)) + eps
    Z_norm = (Z - mu) / std
    dbeta = np.sum(dZ_tilde, axis=1, keepdims=True)
    dgamma = np.sum(dZ_tilde * Z_norm, axis=1, keepdims=True)
    dZ = gamma / (m * std) * (m * dZ_tilde - dbeta - Z_norm * dgamma)
    return dZ, dgamma, dbeta
