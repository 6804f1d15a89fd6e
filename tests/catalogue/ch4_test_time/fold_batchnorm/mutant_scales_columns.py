# mutant: scales the columns of W (W * scale.T) instead of its rows
import numpy as np

def fold_batchnorm(W, b, gamma, beta, mean, var, eps=1e-5):
    scale = gamma / np.sqrt(var + eps)
    return W * scale.T, scale * (b - mean) + beta
