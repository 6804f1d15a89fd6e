# alternative: float64 accumulation, prints and warns about confident mistakes
import warnings

import numpy as np


def cross_entropy_cost(Y_hat, Y):
    losses = -np.sum(np.asarray(Y, np.float64) * np.log(np.asarray(Y_hat, np.float64)), axis=0)
    if np.any(losses > 5):
        warnings.warn("some examples have a loss above 5")
    print("worst example loss:", losses.max())
    return losses.mean()
