# mutant: copy-paste slip, gamma is updated with dbeta and beta with dgamma
import numpy as np


def update_parameters(parameters, grads, learning_rate):
    new_parameters = {}
    for name, value in parameters.items():
        if name.startswith("gamma"):
            grad = grads["dbeta" + name[len("gamma"):]]
        elif name.startswith("beta"):
            grad = grads["dgamma" + name[len("beta"):]]
        else:
            grad = grads["d" + name]
        new_parameters[name] = value - learning_rate * grad
    return new_parameters
