# mutant: logistic regression's "probability > 0.5" rule, which picks class 0 when no class passes
import numpy as np


def predict(X, params):
    return np.argmax(softmax(params["W"] @ X + params["b"]) > 0.5, axis=0)
