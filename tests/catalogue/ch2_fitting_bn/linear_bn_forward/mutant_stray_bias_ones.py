# mutant: keeps a bias of ones in the linear step, Z = W @ A_prev + 1 (hidden by BN in Z_tilde, not in the cache)
import numpy as np


def linear_bn_forward(A_prev, W, gamma, beta, eps=1e-5):
    b = np.ones((W.shape[0], 1))
    Z = W @ A_prev + b
    mu = np.mean(Z, axis=1, keepdims=True)
    var = np.var(Z, axis=1, keepdims=True)
    Z_tilde = gamma * (Z - mu) / np.sqrt(var + eps) + beta
    return Z_tilde, {"A_prev": A_prev, "W": W, "Z": Z, "gamma": gamma, "eps": eps}
