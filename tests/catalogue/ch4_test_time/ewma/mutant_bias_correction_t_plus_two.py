# mutant: bias correction off by one the other way, dividing by 1 - beta**(t + 1)
import numpy as np

def ewma(values, beta, bias_correction=False):
    x = np.asarray(values, dtype=float)
    v = np.empty_like(x)
    v_prev = np.zeros(x.shape[1:])
    for i in range(len(x)):
        v_prev = beta * v_prev + (1 - beta) * x[i]
        v[i] = v_prev / (1 - beta ** (i + 2)) if bias_correction else v_prev
    return v
