# mutant: forgets the m / (m - 1) correction
# names: no_bessel
import numpy as np

def population_statistics(batch_means, batch_vars, m):
    mean = np.mean(batch_means, axis=0)
    var = np.mean(batch_vars, axis=0)
    return mean, var
