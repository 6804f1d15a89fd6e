# alternative: explicit Python loops over units and examples, in Python floats
import math

import numpy as np


def batchnorm_forward(Z, gamma, beta, eps=1e-5):
    n, m = Z.shape
    Z_norm = np.zeros((n, m))
    Z_tilde = np.zeros((n, m))
    mu = np.zeros((n, 1))
    var = np.zeros((n, 1))
    for unit in range(n):
        total = 0.0
        for i in range(m):
            total += float(Z[unit, i])
        mu[unit, 0] = total / m
        squares = 0.0
        for i in range(m):
            squares += (float(Z[unit, i]) - mu[unit, 0]) ** 2
        var[unit, 0] = squares / m
        for i in range(m):
            Z_norm[unit, i] = (float(Z[unit, i]) - mu[unit, 0]) / math.sqrt(var[unit, 0] + eps)
            Z_tilde[unit, i] = float(gamma[unit, 0]) * Z_norm[unit, i] + float(beta[unit, 0])
    return Z_tilde, (Z, Z_norm, mu, var, gamma, eps)
