# mutant: right with the default eps, but ignores the eps it is given (always 1e-5)
import numpy as np

def fold_batchnorm(W, b, gamma, beta, mean, var, eps=1e-5):
    scale = gamma / np.sqrt(var + 1e-5)
    return scale * W, scale * (b - mean) + beta
