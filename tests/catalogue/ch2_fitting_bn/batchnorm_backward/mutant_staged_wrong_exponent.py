# mutant: staged chain rule with d(var) using (var + eps)**-0.5 instead of **-1.5
import numpy as np


def batchnorm_backward(dZ_tilde, Z, gamma, eps=1e-5):
    m = Z.shape[1]
    mu = Z.mean(axis=1, keepdims=True)
    Z_centered = Z - mu
    var = (Z_centered**2).mean(axis=1, keepdims=True)
    inv_std = 1 / np.sqrt(var + eps)
    Z_norm = Z_centered * inv_std
    dbeta = dZ_tilde.sum(axis=1, keepdims=True)
    dgamma = (dZ_tilde * Z_norm).sum(axis=1, keepdims=True)
    dZ_norm = dZ_tilde * gamma
    dvar = (dZ_norm * Z_centered).sum(axis=1, keepdims=True) * -0.5 * (var + eps) ** -0.5
    dmu = -(dZ_norm * inv_std).sum(axis=1, keepdims=True) + dvar * (-2 / m) * Z_centered.sum(axis=1, keepdims=True)
    dZ = dZ_norm * inv_std + dvar * 2 * Z_centered / m + dmu / m
    return dZ, dgamma, dbeta
