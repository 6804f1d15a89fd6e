# mutant: forgets the ReLU, so the hidden layers are linear (Batch Norm only)
import numpy as np


def model_forward(X, parameters, eps=1e-5):
    L = sum(name.startswith("W") for name in parameters)
    A = X
    for l in range(1, L):
        A, _ = linear_bn_forward(A, parameters[f"W{l}"], parameters[f"gamma{l}"], parameters[f"beta{l}"], eps)
    return sigmoid(parameters[f"W{L}"] @ A + parameters[f"b{L}"])
