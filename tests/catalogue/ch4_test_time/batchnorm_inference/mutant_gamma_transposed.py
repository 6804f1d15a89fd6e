# mutant: broadcasts gamma and beta along the wrong axis (rows vs columns)
import numpy as np

def batchnorm_inference(Z, gamma, beta, mean, var, eps=1e-5):
    return gamma.T * (Z - mean) / np.sqrt(var + eps) + beta.T
