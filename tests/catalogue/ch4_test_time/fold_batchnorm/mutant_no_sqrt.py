# mutant: divides by var + eps instead of its square root
import numpy as np

def fold_batchnorm(W, b, gamma, beta, mean, var, eps=1e-5):
    scale = gamma / (var + eps)
    return scale * W, scale * (b - mean) + beta
