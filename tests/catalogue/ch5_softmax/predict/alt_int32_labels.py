# alternative: labels as int32 from a column loop over the scores
import numpy as np


def predict(X, params):
    Z = params["W"] @ X + params["b"]
    return np.array([int(np.argmax(Z[:, i])) for i in range(Z.shape[1])], dtype=np.int32)
