# alternative: copies each array, then np.subtract with out= into the copy
import numpy as np


def update_parameters(parameters, grads, learning_rate):
    new_parameters = {}
    for name, value in parameters.items():
        updated = value.copy()
        np.subtract(updated, learning_rate * grads[f"d{name}"], out=updated)
        new_parameters[name] = updated
    return new_parameters
