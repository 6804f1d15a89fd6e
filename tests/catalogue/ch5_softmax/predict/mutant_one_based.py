# mutant: 1-based labels (argmax + 1)
import numpy as np


def predict(X, params):
    return np.argmax(params["W"] @ X + params["b"], axis=0) + 1
