# mutant: right Z_tilde, but the cache records the default eps 1e-5 whatever eps it was given
import numpy as np


def linear_bn_forward(A_prev, W, gamma, beta, eps=1e-5):
    Z = W @ A_prev
    mu = Z.mean(axis=1, keepdims=True)
    var = Z.var(axis=1, keepdims=True)
    Z_tilde = gamma * (Z - mu) / np.sqrt(var + eps) + beta
    return Z_tilde, {"A_prev": A_prev, "W": W, "Z": Z, "gamma": gamma, "eps": 1e-5}
