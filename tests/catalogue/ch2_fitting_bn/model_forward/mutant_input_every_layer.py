# mutant: feeds X instead of the previous layer's activations into every hidden layer
import numpy as np


def model_forward(X, parameters, eps=1e-5):
    L = sum(name.startswith("W") for name in parameters)
    A = X
    for l in range(1, L):
        Z_tilde, _ = linear_bn_forward(X, parameters[f"W{l}"], parameters[f"gamma{l}"], parameters[f"beta{l}"], eps)
        A = relu(Z_tilde)
    return sigmoid(parameters[f"W{L}"] @ A + parameters[f"b{L}"])
