# mutant: the right classes, but returned as floats (np.argmax(...).astype(float)) where the contract asks for integer labels
import numpy as np


def predict(X, params):
    Z = params["W"] @ X + params["b"]
    return np.argmax(Z, axis=0).astype(float)
