# mutant: returns only the final average v_T instead of the whole sequence
import numpy as np

def ewma(values, beta, bias_correction=False):
    v = 0.0
    for t, x_t in enumerate(np.asarray(values, dtype=float), start=1):
        v = beta * v + (1 - beta) * x_t
    if bias_correction:
        v = v / (1 - beta ** t)
    return np.asarray(v)
