# alternative: reads the label off the hardmax matrix, returned as float labels
import numpy as np


def predict(X, params):
    A = hardmax(params["W"] @ X + params["b"])
    return (np.arange(A.shape[0]) @ A).astype(float)
