# mutant: argmin instead of argmax
import numpy as np


def predict(X, params):
    return np.argmin(params["W"] @ X + params["b"], axis=0)
