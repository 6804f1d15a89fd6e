# mutant: the classic W/b loop, which copies gamma and beta without learning them
import numpy as np


def update_parameters(parameters, grads, learning_rate):
    new_parameters = {name: value.copy() for name, value in parameters.items()}
    L = sum(name.startswith("W") for name in parameters)
    for l in range(1, L + 1):
        new_parameters[f"W{l}"] = parameters[f"W{l}"] - learning_rate * grads[f"dW{l}"]
        if f"b{l}" in parameters:
            new_parameters[f"b{l}"] = parameters[f"b{l}"] - learning_rate * grads[f"db{l}"]
    return new_parameters
