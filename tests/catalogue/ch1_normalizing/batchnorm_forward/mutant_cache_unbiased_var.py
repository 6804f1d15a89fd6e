# mutant: right Z_tilde, but the cache's variance is np.var(Z, ddof=1), not the batch's biased variance
# names: unbiased_variance
import numpy as np


def batchnorm_forward(Z, gamma, beta, eps=1e-5):
    mu = np.mean(Z, axis=1, keepdims=True)
    var = np.var(Z, axis=1, keepdims=True)
    Z_norm = (Z - mu) / np.sqrt(var + eps)
    cached_var = np.var(Z, axis=1, ddof=1, keepdims=True) if Z.shape[1] > 1 else var
    return gamma * Z_norm + beta, (Z, Z_norm, mu, cached_var, gamma, eps)
