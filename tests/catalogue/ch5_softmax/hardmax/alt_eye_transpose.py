# alternative: rows of the identity picked by argmax, then transposed
import numpy as np


def hardmax(Z):
    return np.eye(Z.shape[0])[np.argmax(Z, axis=0)].T
