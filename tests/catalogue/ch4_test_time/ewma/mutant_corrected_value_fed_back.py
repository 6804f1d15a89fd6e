# mutant: feeds the bias-corrected value back into the recursion instead of the raw v_{t-1}
import numpy as np

def ewma(values, beta, bias_correction=False):
    x = np.asarray(values, dtype=float)
    v = np.empty_like(x)
    v_prev = np.zeros(x.shape[1:])
    for t in range(len(x)):
        v_prev = beta * v_prev + (1 - beta) * x[t]
        if bias_correction:
            v_prev = v_prev / (1 - beta ** (t + 1))
        v[t] = v_prev
    return v
