# alternative: Z by einsum, statistics accumulated over the examples in a loop, extra prints
import numpy as np


def linear_bn_forward(A_prev, W, gamma, beta, eps=1e-5):
    Z = np.einsum("jk,ki->ji", W, A_prev)
    n, m = Z.shape
    total = np.zeros((n, 1), dtype=Z.dtype)
    for i in range(m):
        total += Z[:, i:i + 1]
    mu = total / m
    squares = np.zeros((n, 1), dtype=Z.dtype)
    for i in range(m):
        squares += (Z[:, i:i + 1] - mu) ** 2
    var = squares / m
    print("batch statistics computed for", n, "units and", m, "examples")
    Z_norm = (Z - mu) * (1 / np.sqrt(var + eps))
    return gamma * Z_norm + beta, {"A_prev": A_prev, "W": W, "Z": Z, "gamma": gamma, "eps": eps}
