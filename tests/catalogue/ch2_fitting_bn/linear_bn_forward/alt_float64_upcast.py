# alternative: computes everything in float64, whatever the input dtype, with warnings as a side effect
import warnings

import numpy as np


def linear_bn_forward(A_prev, W, gamma, beta, eps=1e-5):
    warnings.warn("computing Batch Norm in float64")
    Z = W.astype(np.float64) @ A_prev.astype(np.float64)
    mu = Z.mean(axis=1, keepdims=True)
    var = Z.var(axis=1, keepdims=True)
    Z_tilde = gamma.astype(np.float64) * (Z - mu) / np.sqrt(var + eps) + beta.astype(np.float64)
    return Z_tilde, {"A_prev": A_prev, "W": W, "Z": Z, "gamma": gamma, "eps": eps}
