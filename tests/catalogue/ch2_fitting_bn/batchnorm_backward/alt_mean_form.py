# alternative: the compact formula written with means instead of sums
import numpy as np


def batchnorm_backward(dZ_tilde, Z, gamma, eps=1e-5):
    mu = Z.mean(axis=1, keepdims=True)
    std = np.sqrt(Z.var(axis=1, keepdims=True) + eps)
    Z_norm = (Z - mu) / std
    dZ = gamma / std * (dZ_tilde - dZ_tilde.mean(axis=1, keepdims=True)
                        - Z_norm * (dZ_tilde * Z_norm).mean(axis=1, keepdims=True))
    dgamma = (dZ_tilde * Z_norm).sum(axis=1).reshape(-1, 1)
    dbeta = dZ_tilde.sum(axis=1).reshape(-1, 1)
    return dZ, dgamma, dbeta
