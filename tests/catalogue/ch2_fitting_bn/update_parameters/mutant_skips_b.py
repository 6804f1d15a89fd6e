# mutant: updates W, gamma and beta but forgets the biases
import numpy as np


def update_parameters(parameters, grads, learning_rate):
    new_parameters = dict(parameters)
    for name in parameters:
        if name.startswith(("W", "gamma", "beta")):
            new_parameters[name] = parameters[name] - learning_rate * grads["d" + name]
    return new_parameters
