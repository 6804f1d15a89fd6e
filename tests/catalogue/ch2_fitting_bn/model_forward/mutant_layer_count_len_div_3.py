# mutant: counts the layers as len(parameters) // 3, one too few (the output layer has only W and b)
import numpy as np


def model_forward(X, parameters, eps=1e-5):
    L = len(parameters) // 3
    A = X
    for l in range(1, L):
        Z_tilde, _ = linear_bn_forward(A, parameters[f"W{l}"], parameters[f"gamma{l}"], parameters[f"beta{l}"], eps)
        A = relu(Z_tilde)
    return sigmoid(parameters[f"W{L}"] @ A + parameters[f"b{L}"])
