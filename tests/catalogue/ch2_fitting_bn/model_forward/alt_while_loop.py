# alternative: walks the layers with a while loop until there is no next W
import numpy as np


def model_forward(X, parameters, eps=1e-5):
    A = X
    l = 1
    while f"W{l + 1}" in parameters:
        Z_tilde, _ = linear_bn_forward(A, parameters[f"W{l}"], parameters[f"gamma{l}"], parameters[f"beta{l}"], eps=eps)
        A = np.maximum(Z_tilde, 0)
        l += 1
    return sigmoid(np.dot(parameters[f"W{l}"], A) + parameters[f"b{l}"])
