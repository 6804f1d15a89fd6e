# mutant: np.zeros_like(values) keeps an integer dtype, so integer inputs give truncated averages
import numpy as np

def ewma(values, beta, bias_correction=False):
    values = np.asarray(values)
    v = np.zeros_like(values)
    v_prev = np.zeros(values.shape[1:])
    for t in range(len(values)):
        v_prev = beta * v_prev + (1 - beta) * values[t]
        v[t] = v_prev / (1 - beta ** (t + 1)) if bias_correction else v_prev
    return v
