# mutant: steps up the gradient, parameter + learning_rate * gradient
import numpy as np


def update_parameters(parameters, grads, learning_rate):
    return {name: value + learning_rate * grads["d" + name] for name, value in parameters.items()}
