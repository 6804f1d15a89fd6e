# mutant: keeps a leading axis, shape (1, m) instead of (m,)
import numpy as np


def predict(X, params):
    return np.argmax(params["W"] @ X + params["b"], axis=0).reshape(1, -1)
