# mutant: rebinds the entries of the input dict and returns it instead of a new dict
import numpy as np


def update_parameters(parameters, grads, learning_rate):
    for name in list(parameters):
        parameters[name] = parameters[name] - learning_rate * grads["d" + name]
    return parameters
