# alternative: vectorised with rescaled cumulative sums, v_t = (1 - beta) beta**t sum_k beta**(-k) x_k, in chunks to stay stable
import numpy as np

def ewma(values, beta, bias_correction=False):
    x = np.array(values, dtype=float)
    out = np.empty_like(x)
    v = np.zeros(x.shape[1:])
    chunk = 16
    for start in range(0, x.shape[0], chunk):
        block = x[start:start + chunk]
        k = np.arange(1, block.shape[0] + 1).reshape((-1,) + (1,) * (x.ndim - 1))
        if beta == 0:
            out[start:start + chunk] = block
            v = block[-1]
            continue
        partial = (1 - beta) * np.cumsum(beta ** (-k) * block, axis=0) * beta ** k
        out[start:start + chunk] = beta ** k * v + partial
        v = out[start + block.shape[0] - 1]
    if bias_correction:
        t = np.arange(1, x.shape[0] + 1).reshape((-1,) + (1,) * (x.ndim - 1))
        out /= 1 - beta ** t
    return out
