# alternative: stays in the input dtype, uses 1/std from np.reciprocal and dZ_norm = gamma * dZ_tilde
import numpy as np


def batchnorm_backward(dZ_tilde, Z, gamma, eps=1e-5):
    m = Z.shape[1]
    Z_centered = Z - Z.mean(axis=1, keepdims=True)
    inv_std = np.reciprocal(np.sqrt(np.mean(np.square(Z_centered), axis=1, keepdims=True) + Z.dtype.type(eps)))
    Z_norm = Z_centered * inv_std
    dZ_norm = gamma * dZ_tilde
    dZ = inv_std / m * (m * dZ_norm - dZ_norm.sum(axis=1, keepdims=True)
                        - Z_norm * np.sum(dZ_norm * Z_norm, axis=1, keepdims=True))
    return dZ, np.sum(dZ_tilde * Z_norm, axis=1, keepdims=True), np.sum(dZ_tilde, axis=1, keepdims=True)
