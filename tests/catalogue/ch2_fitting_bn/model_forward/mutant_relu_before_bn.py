# mutant: puts the ReLU before Batch Norm, A = BN(relu(W @ A))
import numpy as np


def model_forward(X, parameters, eps=1e-5):
    L = sum(name.startswith("W") for name in parameters)
    A = X
    for l in range(1, L):
        H = relu(parameters[f"W{l}"] @ A)
        mu = H.mean(axis=1, keepdims=True)
        var = H.var(axis=1, keepdims=True)
        A = parameters[f"gamma{l}"] * (H - mu) / np.sqrt(var + eps) + parameters[f"beta{l}"]
    return sigmoid(parameters[f"W{L}"] @ A + parameters[f"b{L}"])
