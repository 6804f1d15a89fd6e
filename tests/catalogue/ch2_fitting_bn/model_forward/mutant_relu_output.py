# mutant: ReLU on the output layer instead of the sigmoid
import numpy as np


def model_forward(X, parameters, eps=1e-5):
    L = sum(name.startswith("W") for name in parameters)
    A = X
    for l in range(1, L):
        Z_tilde, _ = linear_bn_forward(A, parameters[f"W{l}"], parameters[f"gamma{l}"], parameters[f"beta{l}"], eps)
        A = relu(Z_tilde)
    return relu(parameters[f"W{L}"] @ A + parameters[f"b{L}"])
