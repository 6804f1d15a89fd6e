# alternative: scipy.signal.lfilter as a first-order IIR filter along axis 0
import numpy as np
from scipy.signal import lfilter

def ewma(values, beta, bias_correction=False):
    x = np.asarray(values, dtype=float)
    v = lfilter([1 - beta], [1, -beta], x, axis=0)
    if bias_correction:
        ones = np.ones(x.shape[0])
        v = v / lfilter([1 - beta], [1, -beta], ones).reshape((-1,) + (1,) * (x.ndim - 1))
    return v
