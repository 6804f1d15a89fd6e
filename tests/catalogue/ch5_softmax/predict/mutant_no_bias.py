# mutant: forgets the bias
import numpy as np


def predict(X, params):
    return np.argmax(params["W"] @ X, axis=0)
