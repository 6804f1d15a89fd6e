# mutant: sigmoid activation in the hidden layers instead of ReLU
import numpy as np


def model_forward(X, parameters, eps=1e-5):
    L = sum(name.startswith("W") for name in parameters)
    A = X
    for l in range(1, L):
        Z_tilde, _ = linear_bn_forward(A, parameters[f"W{l}"], parameters[f"gamma{l}"], parameters[f"beta{l}"], eps)
        A = sigmoid(Z_tilde)
    return sigmoid(parameters[f"W{L}"] @ A + parameters[f"b{L}"])
