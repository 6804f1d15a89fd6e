# alternative: the staged chain rule (CS231n style) through Z_norm, var and mu in turn
import numpy as np


def batchnorm_backward(dZ_tilde, Z, gamma, eps=1e-5):
    m = Z.shape[1]
    mu = np.mean(Z, axis=1, keepdims=True)
    Z_centered = Z - mu
    var = np.mean(Z_centered**2, axis=1, keepdims=True)
    inv_std = 1.0 / np.sqrt(var + eps)
    Z_norm = Z_centered * inv_std

    dbeta = np.sum(dZ_tilde, axis=1, keepdims=True)
    dgamma = np.sum(dZ_tilde * Z_norm, axis=1, keepdims=True)
    dZ_norm = dZ_tilde * gamma
    dvar = np.sum(dZ_norm * Z_centered, axis=1, keepdims=True) * -0.5 * (var + eps) ** -1.5
    dmu = np.sum(-dZ_norm * inv_std, axis=1, keepdims=True) + dvar * np.mean(-2.0 * Z_centered, axis=1, keepdims=True)
    dZ = dZ_norm * inv_std + dvar * 2.0 * Z_centered / m + dmu / m
    return dZ, dgamma, dbeta
