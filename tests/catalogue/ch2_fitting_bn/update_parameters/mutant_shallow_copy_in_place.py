# mutant: copies the dict but updates the shared arrays in place, so the caller's arrays change too
import numpy as np


def update_parameters(parameters, grads, learning_rate):
    new_parameters = parameters.copy()
    for name in new_parameters:
        new_parameters[name] -= learning_rate * grads["d" + name]
    return new_parameters
