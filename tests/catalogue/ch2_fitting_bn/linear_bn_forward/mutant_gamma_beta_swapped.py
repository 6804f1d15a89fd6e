# mutant: gamma and beta swapped, beta * Z_norm + gamma
# names: gamma_beta_swapped
import numpy as np


def linear_bn_forward(A_prev, W, gamma, beta, eps=1e-5):
    Z = W @ A_prev
    mu = np.mean(Z, axis=1, keepdims=True)
    var = np.var(Z, axis=1, keepdims=True)
    Z_tilde = beta * (Z - mu) / np.sqrt(var + eps) + gamma
    return Z_tilde, {"A_prev": A_prev, "W": W, "Z": Z, "gamma": gamma, "eps": eps}
