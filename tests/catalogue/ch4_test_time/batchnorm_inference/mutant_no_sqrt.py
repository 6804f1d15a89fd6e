# mutant: divides by var + eps (no square root)
import numpy as np

def batchnorm_inference(Z, gamma, beta, mean, var, eps=1e-5):
    return gamma * (Z - mean) / (var + eps) + beta
