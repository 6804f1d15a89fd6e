# mutant: never applies the bias correction (the flag is ignored)
import numpy as np

def ewma(values, beta, bias_correction=False):
    x = np.asarray(values, dtype=float)
    v = np.empty_like(x)
    v_prev = np.zeros(x.shape[1:])
    for t in range(len(x)):
        v_prev = beta * v_prev + (1 - beta) * x[t]
        v[t] = v_prev
    return v
