# alternative: walks the gradients and strips the leading "d" to find each parameter
import numpy as np


def update_parameters(parameters, grads, learning_rate):
    return {key[1:]: parameters[key[1:]] - learning_rate * grad for key, grad in grads.items()}
