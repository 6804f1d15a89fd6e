# mutant: off by one in the hidden-layer loop, range(1, L - 1), so the last hidden layer is skipped
import numpy as np


def model_forward(X, parameters, eps=1e-5):
    L = len([name for name in parameters if name.startswith("W")])
    A = X
    for l in range(1, L - 1):
        Z_tilde, _ = linear_bn_forward(A, parameters["W" + str(l)], parameters["gamma" + str(l)],
                                       parameters["beta" + str(l)], eps)
        A = relu(Z_tilde)
    return sigmoid(parameters["W" + str(L)] @ A + parameters["b" + str(L)])
