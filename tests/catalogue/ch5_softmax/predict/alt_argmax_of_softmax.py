# alternative: argmax of the probabilities, as the definition reads
import numpy as np


def predict(X, params):
    return np.argmax(softmax(np.dot(params["W"], X) + params["b"]), axis=0)
