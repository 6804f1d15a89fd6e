# mutant: normalizes Z in place and returns it
import numpy as np

def batchnorm_inference(Z, gamma, beta, mean, var, eps=1e-5):
    Z -= mean
    Z /= np.sqrt(var + eps)
    Z *= gamma
    Z += beta
    return Z
