# mutant: scales W and updates b in place, returning the caller's arrays
import numpy as np

def fold_batchnorm(W, b, gamma, beta, mean, var, eps=1e-5):
    scale = gamma / np.sqrt(var + eps)
    W *= scale
    b -= mean
    b *= scale
    b += beta
    return W, b
