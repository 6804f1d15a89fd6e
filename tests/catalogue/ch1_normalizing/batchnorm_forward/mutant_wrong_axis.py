# mutant: statistics over axis 0 (across units, per example: layer norm) instead of over the batch
# names: wrong_axis
import numpy as np


def batchnorm_forward(Z, gamma, beta, eps=1e-5):
    mu = np.mean(Z, axis=0, keepdims=True)
    var = np.var(Z, axis=0, keepdims=True)
    Z_norm = (Z - mu) / np.sqrt(var + eps)
    return gamma * Z_norm + beta, (Z, Z_norm, mu, var, gamma, eps)
