# mutant: argmax over axis 1 (one label per class instead of per example)
import numpy as np


def predict(X, params):
    return np.argmax(params["W"] @ X + params["b"], axis=1)
