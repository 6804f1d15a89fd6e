# mutant: right with the default eps, but ignores the eps it is given (always 1e-5)
# names: ignores_eps
import numpy as np

def batchnorm_inference(Z, gamma, beta, mean, var, eps=1e-5):
    return gamma * (Z - mean) / np.sqrt(var + 1e-5) + beta
