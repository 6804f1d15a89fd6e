# alternative: closed form v_t = (1 - beta) sum_k beta**(t-k) x_k as one lower-triangular matrix product
import numpy as np

def ewma(values, beta, bias_correction=False):
    x = np.asarray(values, dtype=np.float64)
    T = x.shape[0]
    t = np.arange(T)
    lag = t[:, None] - t[None, :]
    weights = np.where(lag >= 0, (1 - beta) * beta ** np.maximum(lag, 0), 0.0)
    if bias_correction:
        weights = weights / weights.sum(axis=1, keepdims=True)
    return np.tensordot(weights, x, axes=(1, 0))
