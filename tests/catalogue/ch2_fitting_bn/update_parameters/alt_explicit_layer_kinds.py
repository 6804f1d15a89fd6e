# alternative: loops over layers and the four kinds of parameter, updating those present
import numpy as np


def update_parameters(parameters, grads, learning_rate):
    new_parameters = {}
    L = sum(name.startswith("W") for name in parameters)
    for l in range(1, L + 1):
        for kind in ("W", "gamma", "beta", "b"):
            name = f"{kind}{l}"
            if name in parameters:
                new_parameters[name] = parameters[name] - learning_rate * grads["d" + name]
    print("updated", len(new_parameters), "arrays")
    return new_parameters
