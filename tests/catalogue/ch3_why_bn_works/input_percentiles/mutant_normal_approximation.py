# mutant: mean + z_q * std, the percentiles of a normal distribution with the unit's moments
import numpy as np


def input_percentiles(Z, q=(15, 50, 85)):
    from statistics import NormalDist

    mean, std = Z.mean(axis=1), Z.std(axis=1)
    z = [NormalDist().inv_cdf(min(max(p / 100, 1e-9), 1 - 1e-9)) for p in q]
    return np.array([mean + z_q * std for z_q in z])
