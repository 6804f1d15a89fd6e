# mutant: follows the path through mu but not the one through var
import numpy as np


def batchnorm_backward(dZ_tilde, Z, gamma, eps=1e-5):
    mu = Z.mean(axis=1, keepdims=True)
    var = Z.var(axis=1, keepdims=True)
    Z_norm = (Z - mu) / np.sqrt(var + eps)
    dbeta = np.sum(dZ_tilde, axis=1, keepdims=True)
    dgamma = np.sum(dZ_tilde * Z_norm, axis=1, keepdims=True)
    dZ = gamma / np.sqrt(var + eps) * (dZ_tilde - dZ_tilde.mean(axis=1, keepdims=True))
    return dZ, dgamma, dbeta
