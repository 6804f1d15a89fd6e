# mutant: hidden activation np.clip(Z, 0, 6) (ReLU6), which agrees with ReLU only on small pre-activations
import numpy as np


def model_forward(X, parameters, eps=1e-5):
    L = sum(1 for name in parameters if name.startswith("W"))
    A = X
    for l in range(1, L):
        Z_tilde, _ = linear_bn_forward(A, parameters[f"W{l}"], parameters[f"gamma{l}"], parameters[f"beta{l}"], eps)
        A = np.clip(Z_tilde, 0.0, 6.0)
    return sigmoid(parameters[f"W{L}"] @ A + parameters[f"b{L}"])
