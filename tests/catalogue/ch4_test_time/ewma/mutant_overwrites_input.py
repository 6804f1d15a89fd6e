# mutant: writes the averages into the caller's array (np.asarray makes no copy of a float64 array)
import numpy as np

def ewma(values, beta, bias_correction=False):
    v = np.asarray(values, dtype=float)
    v_prev = np.zeros(v.shape[1:])
    for t in range(len(v)):
        v_prev = beta * v_prev + (1 - beta) * v[t]
        v[t] = v_prev
    if bias_correction:
        steps = np.arange(1, len(v) + 1).reshape((-1,) + (1,) * (v.ndim - 1))
        v = v / (1 - beta ** steps)
    return v
