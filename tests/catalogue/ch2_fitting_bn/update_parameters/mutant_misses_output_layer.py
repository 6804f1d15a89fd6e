# mutant: off by one, loops over layers 1 .. L-1 and never updates the output layer's W and b
import numpy as np


def update_parameters(parameters, grads, learning_rate):
    new_parameters = {name: value.copy() for name, value in parameters.items()}
    L = sum(name.startswith("W") for name in parameters)
    for l in range(1, L):
        for kind in ("W", "gamma", "beta", "b"):
            name = f"{kind}{l}"
            if name in parameters:
                new_parameters[name] = parameters[name] - learning_rate * grads["d" + name]
    return new_parameters
