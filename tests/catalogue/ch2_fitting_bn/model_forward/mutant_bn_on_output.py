# mutant: also normalizes the output layer's Z over the mini-batch before adding b and the sigmoid
import numpy as np


def model_forward(X, parameters, eps=1e-5):
    L = sum(name.startswith("W") for name in parameters)
    A = X
    for l in range(1, L):
        Z_tilde, _ = linear_bn_forward(A, parameters[f"W{l}"], parameters[f"gamma{l}"], parameters[f"beta{l}"], eps)
        A = relu(Z_tilde)
    ZL = parameters[f"W{L}"] @ A
    ZL_norm = (ZL - ZL.mean(axis=1, keepdims=True)) / np.sqrt(ZL.var(axis=1, keepdims=True) + eps)
    return sigmoid(ZL_norm + parameters[f"b{L}"])
