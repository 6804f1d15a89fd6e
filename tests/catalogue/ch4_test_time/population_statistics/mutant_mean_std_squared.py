# mutant: averages standard deviations and squares the result
import numpy as np

def population_statistics(batch_means, batch_vars, m):
    mean = np.mean(batch_means, axis=0)
    var = m / (m - 1) * np.mean(np.sqrt(batch_vars), axis=0) ** 2
    return mean, var
