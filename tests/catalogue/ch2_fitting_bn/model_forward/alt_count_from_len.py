# alternative: L = (len(parameters) + 1) // 3, caches kept in a list, ReLU as Z * (Z > 0)
import numpy as np


def model_forward(X, parameters, eps=1e-5):
    L = (len(parameters) + 1) // 3
    caches = []
    A = X
    for l in range(1, L):
        Z_tilde, cache = linear_bn_forward(A, parameters["W" + str(l)], parameters["gamma" + str(l)],
                                           parameters["beta" + str(l)], eps)
        caches.append(cache)
        A = Z_tilde * (Z_tilde > 0)
    AL = sigmoid(parameters["W" + str(L)] @ A + parameters["b" + str(L)])
    return AL
