# mutant: uses the batch's statistics whenever there is more than one example
import numpy as np

def batchnorm_inference(Z, gamma, beta, mean, var, eps=1e-5):
    if Z.shape[1] > 1:
        mean, var = Z.mean(axis=1, keepdims=True), Z.var(axis=1, keepdims=True)
    return gamma * (Z - mean) / np.sqrt(var + eps) + beta
