# alternative: np.average over an explicit (K, n, 1) array
import numpy as np

def population_statistics(batch_means, batch_vars, m):
    means = np.array([np.asarray(mu_B) for mu_B in batch_means])
    variances = np.array([np.asarray(var_B) for var_B in batch_vars])
    return np.average(means, axis=0), np.average(variances, axis=0) * m / (m - 1)
