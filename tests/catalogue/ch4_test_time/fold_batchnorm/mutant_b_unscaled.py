# mutant: adds b unscaled (b + beta - scale * mean)
import numpy as np

def fold_batchnorm(W, b, gamma, beta, mean, var, eps=1e-5):
    scale = gamma / np.sqrt(var + eps)
    return scale * W, b + beta - scale * mean
