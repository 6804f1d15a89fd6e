# mutant: only the weights W are learned
import numpy as np


def update_parameters(parameters, grads, learning_rate):
    return {name: value - learning_rate * grads["d" + name] if name.startswith("W") else value
            for name, value in parameters.items()}
