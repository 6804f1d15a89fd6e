# alternative: the textbook sigmoid 1 / (1 + exp(-Z)) (may warn about overflow), layers in a sorted list
import numpy as np


def model_forward(X, parameters, eps=1e-5):
    layers = sorted(int(name[1:]) for name in parameters if name.startswith("W"))
    A = X
    for l in layers[:-1]:
        Z_tilde, _ = linear_bn_forward(A, parameters[f"W{l}"], parameters[f"gamma{l}"], parameters[f"beta{l}"], eps)
        A = relu(Z_tilde)
    L = layers[-1]
    print("output layer is layer", L)
    return 1 / (1 + np.exp(-(parameters[f"W{L}"] @ A + parameters[f"b{L}"])))
