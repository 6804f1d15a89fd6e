# mutant: multiplies by (m - 1) / m instead of m / (m - 1)
import numpy as np

def population_statistics(batch_means, batch_vars, m):
    mean = np.mean(batch_means, axis=0)
    var = (m - 1) / m * np.mean(batch_vars, axis=0)
    return mean, var
