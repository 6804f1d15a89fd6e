# mutant: eps added after the square root, (Z - mu) / (sqrt(var) + eps)
# names: eps_outside_sqrt
import numpy as np


def linear_bn_forward(A_prev, W, gamma, beta, eps=1e-5):
    Z = W @ A_prev
    mu = np.mean(Z, axis=1, keepdims=True)
    var = np.mean((Z - mu) ** 2, axis=1, keepdims=True)
    Z_norm = (Z - mu) / (np.sqrt(var) + eps)
    Z_tilde = gamma * Z_norm + beta
    return Z_tilde, {"A_prev": A_prev, "W": W, "Z": Z, "gamma": gamma, "eps": eps}
