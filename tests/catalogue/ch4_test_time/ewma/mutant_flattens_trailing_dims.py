# mutant: treats a (T, ...) array as one long flat sequence instead of averaging along axis 0
import numpy as np

def ewma(values, beta, bias_correction=False):
    x = np.asarray(values, dtype=float)
    flat = x.ravel()
    v = np.empty_like(flat)
    v_prev = 0.0
    for t in range(len(flat)):
        v_prev = beta * v_prev + (1 - beta) * flat[t]
        v[t] = v_prev / (1 - beta ** (t + 1)) if bias_correction else v_prev
    return v.reshape(x.shape)
