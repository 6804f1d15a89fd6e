# alternative: correct, but prints the class counts and warns about a missing class
import warnings

import numpy as np


def predict(X, params):
    y_pred = (params["W"] @ X + params["b"]).argmax(axis=0)
    counts = np.bincount(y_pred, minlength=params["W"].shape[0])
    print("predicted class counts:", counts)
    if np.any(counts == 0):
        warnings.warn("some classes are never predicted")
    return y_pred
