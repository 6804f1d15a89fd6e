# alternative: (var + eps) ** -0.5 on a float copy updated in place; prints
import numpy as np

def batchnorm_inference(Z, gamma, beta, mean, var, eps=1e-5):
    Z_tilde = np.array(Z, dtype=np.float64, copy=True)
    Z_tilde -= mean
    Z_tilde *= (var + eps) ** -0.5
    Z_tilde *= gamma
    Z_tilde += beta
    print("normalized", Z_tilde.shape[1], "examples")
    return Z_tilde
