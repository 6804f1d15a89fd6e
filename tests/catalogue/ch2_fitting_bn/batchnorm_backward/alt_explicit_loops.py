# alternative: every sum over the examples written as a Python loop, with a progress print
import numpy as np


def batchnorm_backward(dZ_tilde, Z, gamma, eps=1e-5):
    n, m = Z.shape
    dZ = np.empty_like(Z)
    dgamma = np.empty((n, 1), dtype=Z.dtype)
    dbeta = np.empty((n, 1), dtype=Z.dtype)
    for j in range(n):
        mean = sum(Z[j, i] for i in range(m)) / m
        variance = sum((Z[j, i] - mean) ** 2 for i in range(m)) / m
        std = np.sqrt(variance + eps)
        z_norm = [(Z[j, i] - mean) / std for i in range(m)]
        dbeta[j, 0] = sum(dZ_tilde[j, i] for i in range(m))
        dgamma[j, 0] = sum(dZ_tilde[j, i] * z_norm[i] for i in range(m))
        for i in range(m):
            dZ[j, i] = gamma[j, 0] / (m * std) * (m * dZ_tilde[j, i] - dbeta[j, 0] - z_norm[i] * dgamma[j, 0])
    print("backward pass done for", n, "units")
    return dZ, dgamma, dbeta
