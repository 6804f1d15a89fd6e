# mutant: right Z_tilde, but the cache holds only Z, not the dict {"A_prev", "W", "Z", "gamma", "eps"} the docstring pins
import numpy as np


def linear_bn_forward(A_prev, W, gamma, beta, eps=1e-5):
    Z = W @ A_prev
    mu = Z.mean(axis=1, keepdims=True)
    var = Z.var(axis=1, keepdims=True)
    return gamma * (Z - mu) / np.sqrt(var + eps) + beta, {"Z": Z}
