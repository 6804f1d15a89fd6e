# alternative: layers found from the keys and sorted by their number (so "W10" comes after "W9"), ReLU as np.where
import numpy as np


def model_forward(X, parameters, eps=1e-5):
    numbers = sorted(int(name[1:]) for name in parameters if name.startswith("W"))
    A = X
    for l in numbers[:-1]:
        Z_tilde, _ = linear_bn_forward(A, parameters[f"W{l}"], parameters[f"gamma{l}"], parameters[f"beta{l}"], eps)
        A = np.where(Z_tilde > 0, Z_tilde, 0.0)
    L = numbers[-1]
    return sigmoid(parameters[f"W{L}"] @ A + parameters[f"b{L}"])
