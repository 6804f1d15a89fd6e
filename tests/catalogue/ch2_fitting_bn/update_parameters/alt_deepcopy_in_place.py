# alternative: deep-copies the dict, then updates the copies in place with -=
import copy

import numpy as np


def update_parameters(parameters, grads, learning_rate):
    new_parameters = copy.deepcopy(parameters)
    for name in new_parameters:
        new_parameters[name] -= learning_rate * grads["d" + name]
    return new_parameters
