# mutant: mean and variance over axis 0 (across units) instead of over the examples
# names: wrong_axis
import numpy as np


def linear_bn_forward(A_prev, W, gamma, beta, eps=1e-5):
    Z = W @ A_prev
    mu = np.mean(Z, axis=0, keepdims=True)
    var = np.var(Z, axis=0, keepdims=True)
    Z_tilde = gamma * (Z - mu) / np.sqrt(var + eps) + beta
    return Z_tilde, {"A_prev": A_prev, "W": W, "Z": Z, "gamma": gamma, "eps": eps}
