# alternative: folds the augmented matrix [W | b] in one product, keeping float32 inputs in float32
import numpy as np

def fold_batchnorm(W, b, gamma, beta, mean, var, eps=1e-5):
    dtype = np.result_type(W, np.float32)
    scale = (gamma / np.sqrt(var + eps)).astype(dtype)
    augmented = np.hstack([W, b]).astype(dtype)
    folded = scale * augmented
    folded[:, -1:] += (beta - scale * mean).astype(dtype)
    return folded[:, :-1].copy(), folded[:, -1:].copy()
