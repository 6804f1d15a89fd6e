# mutant: starts the average at the first value (v_1 = x_1) instead of from v_0 = 0
import numpy as np

def ewma(values, beta, bias_correction=False):
    x = np.asarray(values, dtype=float)
    v = np.empty_like(x)
    v_prev = x[0]
    for t in range(len(x)):
        v_prev = beta * v_prev + (1 - beta) * x[t]
        v[t] = v_prev
    if bias_correction:
        steps = np.arange(1, len(x) + 1).reshape((-1,) + (1,) * (x.ndim - 1))
        v = v / (1 - beta ** steps)
    return v
