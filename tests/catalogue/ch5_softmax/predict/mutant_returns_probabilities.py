# mutant: returns each example's highest probability instead of its class
import numpy as np


def predict(X, params):
    return np.max(softmax(params["W"] @ X + params["b"]), axis=0)
