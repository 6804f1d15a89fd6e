# mutant: walks the hidden layers in the order of their keys sorted as strings ("W1", "W10", "W11", "W2", ...), right up to nine layers
import numpy as np


def model_forward(X, parameters, eps=1e-5):
    weights = sorted(name for name in parameters if name.startswith("W"))
    L = len(weights)
    A = X
    for name in weights[:-1]:
        l = name[1:]
        Z_tilde, _ = linear_bn_forward(A, parameters[name], parameters["gamma" + l], parameters["beta" + l], eps)
        A = relu(Z_tilde)
    return sigmoid(parameters[f"W{L}"] @ A + parameters[f"b{L}"])
