# mutant: dbeta returned per example (dZ_tilde itself), never summed over the mini-batch
import numpy as np


def batchnorm_backward(dZ_tilde, Z, gamma, eps=1e-5):
    m = Z.shape[1]
    mu = Z.mean(axis=1, keepdims=True)
    var = Z.var(axis=1, keepdims=True)
    Z_norm = (Z - mu) / np.sqrt(var + eps)
    dbeta = dZ_tilde
    dgamma = np.sum(dZ_tilde * Z_norm, axis=1, keepdims=True)
    dZ = gamma / (m * np.sqrt(var + eps)) * (m * dZ_tilde - np.sum(dZ_tilde, axis=1, keepdims=True) - Z_norm * dgamma)
    return dZ, dgamma, dbeta
