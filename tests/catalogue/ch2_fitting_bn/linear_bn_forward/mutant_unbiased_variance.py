# mutant: unbiased variance (ddof=1, divide by m - 1) instead of the biased batch variance
# names: unbiased_variance
import numpy as np


def linear_bn_forward(A_prev, W, gamma, beta, eps=1e-5):
    Z = W @ A_prev
    mu = np.mean(Z, axis=1, keepdims=True)
    var = np.var(Z, axis=1, ddof=1, keepdims=True)
    Z_tilde = gamma * (Z - mu) / np.sqrt(var + eps) + beta
    return Z_tilde, {"A_prev": A_prev, "W": W, "Z": Z, "gamma": gamma, "eps": eps}
