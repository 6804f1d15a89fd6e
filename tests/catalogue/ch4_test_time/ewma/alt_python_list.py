# alternative: plain Python loop appending to a list, bias correction by a running power of beta
import numpy as np

def ewma(values, beta, bias_correction=False):
    averages = []
    v = 0.0
    beta_t = 1.0
    for x_t in values:
        v = beta * v + (1 - beta) * np.asarray(x_t, dtype=float)
        beta_t *= beta
        averages.append(v / (1 - beta_t) if bias_correction else v)
    return np.array(averages)
