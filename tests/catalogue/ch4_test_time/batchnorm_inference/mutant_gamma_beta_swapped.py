# mutant: gamma and beta swapped
# names: gamma_beta_swapped
import numpy as np

def batchnorm_inference(Z, gamma, beta, mean, var, eps=1e-5):
    return beta * (Z - mean) / np.sqrt(var + eps) + gamma
