# mutant: divides by (1 - beta)**t instead of 1 - beta**t
import numpy as np

def ewma(values, beta, bias_correction=False):
    x = np.asarray(values, dtype=float)
    v = np.empty_like(x)
    v_prev = np.zeros(x.shape[1:])
    for t in range(len(x)):
        v_prev = beta * v_prev + (1 - beta) * x[t]
        v[t] = v_prev / (1 - beta) ** (t + 1) if bias_correction else v_prev
    return v
