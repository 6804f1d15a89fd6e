# mutant: forgets gamma in the folded weights
import numpy as np

def fold_batchnorm(W, b, gamma, beta, mean, var, eps=1e-5):
    inv_std = 1 / np.sqrt(var + eps)
    return inv_std * W, gamma * inv_std * (b - mean) + beta
