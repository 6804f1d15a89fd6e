# mutant: always uses Keras' eps 1e-3, ignoring the argument
import numpy as np

def batchnorm_inference(Z, gamma, beta, mean, var, eps=1e-5):
    return gamma * (Z - mean) / np.sqrt(var + 1e-3) + beta
