# alternative: TensorFlow's form v -= (1 - beta) * (v - x), in the input's float precision, with a print
import numpy as np

def ewma(values, beta, bias_correction=False):
    x = np.asarray(values)
    x = x.astype(np.result_type(x.dtype, np.float32))
    out = np.zeros_like(x)
    v = np.zeros_like(x[0])
    for t in range(x.shape[0]):
        v = v - (1 - beta) * (v - x[t])
        out[t] = v
    if bias_correction:
        correction = 1 - beta ** np.arange(1, x.shape[0] + 1)
        out = out / correction.reshape((-1,) + (1,) * (x.ndim - 1))
    print("ewma computed", out.shape[0], "averages")
    return out
