# mutant: weights flipped, v_t = (1 - beta) v_{t-1} + beta x_t
import numpy as np

def ewma(values, beta, bias_correction=False):
    x = np.asarray(values, dtype=float)
    v = np.empty_like(x)
    v_prev = np.zeros(x.shape[1:])
    for t in range(len(x)):
        v_prev = (1 - beta) * v_prev + beta * x[t]
        v[t] = v_prev
    if bias_correction:
        steps = np.arange(1, len(x) + 1).reshape((-1,) + (1,) * (x.ndim - 1))
        v = v / (1 - beta ** steps)
    return v
