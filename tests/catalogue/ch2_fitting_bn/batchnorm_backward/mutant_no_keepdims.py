# mutant: dgamma and dbeta summed without keepdims, so they come back with shape (n,) instead of (n, 1)
import numpy as np


def batchnorm_backward(dZ_tilde, Z, gamma, eps=1e-5):
    m = Z.shape[1]
    mu = Z.mean(axis=1, keepdims=True)
    var = Z.var(axis=1, keepdims=True)
    Z_norm = (Z - mu) / np.sqrt(var + eps)
    dbeta = np.sum(dZ_tilde, axis=1)
    dgamma = np.sum(dZ_tilde * Z_norm, axis=1)
    dZ = gamma / (m * np.sqrt(var + eps)) * (m * dZ_tilde - dbeta[:, None] - Z_norm * dgamma[:, None])
    return dZ, dgamma, dbeta
