# alternative: casts the learning rate to each array's dtype and adds the negative step
import numpy as np


def update_parameters(parameters, grads, learning_rate):
    new_parameters = {}
    for name in sorted(parameters):
        value = parameters[name]
        step = np.asarray(learning_rate, dtype=value.dtype) * grads["d" + name]
        new_parameters[name] = value + (-step)
    return new_parameters
