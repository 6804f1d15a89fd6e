# mutant: reads the label off the hardmax matrix, but returns float labels where the contract asks for integers
import numpy as np


def predict(X, params):
    A = hardmax(params["W"] @ X + params["b"])
    return (np.arange(A.shape[0]) @ A).astype(float)
