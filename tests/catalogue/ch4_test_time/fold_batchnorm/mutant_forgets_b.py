# mutant: forgets the layer's bias b in the folded bias
import numpy as np

def fold_batchnorm(W, b, gamma, beta, mean, var, eps=1e-5):
    scale = gamma / np.sqrt(var + eps)
    return scale * W, beta - scale * mean
