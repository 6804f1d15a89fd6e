# mutant: returns the one-hot matrix (C, m) instead of integer labels
import numpy as np


def predict(X, params):
    return hardmax(params["W"] @ X + params["b"])
