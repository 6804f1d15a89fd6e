# mutant: argmax of an unstabilized softmax: overflow gives nan columns and wrong labels
import numpy as np


def predict(X, params):
    T = np.exp(params["W"] @ X + params["b"])
    return np.argmax(T / T.sum(axis=0), axis=0)
