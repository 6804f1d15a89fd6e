# mutant: gamma and beta swapped in the last step (beta * Z_norm + gamma)
# names: gamma_beta_swapped
import numpy as np


def batchnorm_forward(Z, gamma, beta, eps=1e-5):
    mu = np.mean(Z, axis=1, keepdims=True)
    var = np.var(Z, axis=1, keepdims=True)
    Z_norm = (Z - mu) / np.sqrt(var + eps)
    return beta * Z_norm + gamma, (Z, Z_norm, mu, var, gamma, eps)
