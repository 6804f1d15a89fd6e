# mutant: normalizes with the batch's own statistics instead of the given mean and var
import numpy as np

def batchnorm_inference(Z, gamma, beta, mean, var, eps=1e-5):
    mu = Z.mean(axis=1, keepdims=True)
    sigma2 = Z.var(axis=1, keepdims=True)
    return gamma * (Z - mu) / np.sqrt(sigma2 + eps) + beta
