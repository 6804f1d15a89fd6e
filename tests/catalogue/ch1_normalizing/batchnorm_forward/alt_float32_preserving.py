# alternative: keeps the input dtype throughout (float32 stays float32), eps cast to that dtype
import numpy as np


def batchnorm_forward(Z, gamma, beta, eps=1e-5):
    dtype = Z.dtype
    mu = Z.mean(axis=1, keepdims=True, dtype=dtype)
    Z_centered = Z - mu
    var = (Z_centered * Z_centered).mean(axis=1, keepdims=True, dtype=dtype)
    inv_std = (dtype.type(1) / np.sqrt(var + dtype.type(eps))).astype(dtype)
    Z_norm = Z_centered * inv_std
    Z_tilde = (gamma.astype(dtype) * Z_norm + beta.astype(dtype)).astype(dtype)
    assert Z_tilde.dtype == dtype
    return Z_tilde, (Z, Z_norm, mu, var, gamma, eps)
