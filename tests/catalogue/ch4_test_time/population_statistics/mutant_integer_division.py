# mutant: integer division m // (m - 1), which is 1 for m > 2
# names: no_bessel
import numpy as np

def population_statistics(batch_means, batch_vars, m):
    mean = np.mean(batch_means, axis=0)
    var = m // (m - 1) * np.mean(batch_vars, axis=0)
    return mean, var
