# alternative: stays in the inputs' precision, with np.reciprocal and np.sqrt
import numpy as np

def batchnorm_inference(Z, gamma, beta, mean, var, eps=1e-5):
    dtype = np.result_type(Z, np.float32)
    inv_std = np.reciprocal(np.sqrt(var.astype(dtype) + dtype.type(eps)))
    return (gamma * inv_std).astype(dtype) * (Z - mean).astype(dtype) + beta.astype(dtype)
