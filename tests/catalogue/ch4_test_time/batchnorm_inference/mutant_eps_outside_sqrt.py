# mutant: eps added outside the square root
# names: eps_outside_sqrt
import numpy as np

def batchnorm_inference(Z, gamma, beta, mean, var, eps=1e-5):
    return gamma * (Z - mean) / (np.sqrt(var) + eps) + beta
