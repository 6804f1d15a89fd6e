# mutant: does not pass eps on to linear_bn_forward, so the hidden layers always use the default
import numpy as np


def model_forward(X, parameters, eps=1e-5):
    L = sum(name.startswith("W") for name in parameters)
    A = X
    for l in range(1, L):
        Z_tilde, _ = linear_bn_forward(A, parameters[f"W{l}"], parameters[f"gamma{l}"], parameters[f"beta{l}"])
        A = relu(Z_tilde)
    return sigmoid(parameters[f"W{L}"] @ A + parameters[f"b{L}"])
