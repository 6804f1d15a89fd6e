# alternative: builds each unit's m x m Jacobian of Z_tilde with respect to Z and multiplies by it
import numpy as np


def batchnorm_backward(dZ_tilde, Z, gamma, eps=1e-5):
    n, m = Z.shape
    dZ = np.zeros((n, m))
    dgamma = np.zeros((n, 1))
    dbeta = np.zeros((n, 1))
    for j in range(n):
        z = Z[j].astype(np.float64)
        g = dZ_tilde[j].astype(np.float64)
        std = np.sqrt(z.var() + eps)
        z_norm = (z - z.mean()) / std
        jacobian = gamma[j, 0] / (m * std) * (m * np.eye(m) - np.ones((m, m)) - np.outer(z_norm, z_norm))
        dZ[j] = jacobian.T @ g
        dgamma[j, 0] = g @ z_norm
        dbeta[j, 0] = g.sum()
    return dZ, dgamma, dbeta
