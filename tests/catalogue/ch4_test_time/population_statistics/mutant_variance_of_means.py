# mutant: takes the variance of the batch means as the population variance
import numpy as np

def population_statistics(batch_means, batch_vars, m):
    mean = np.mean(batch_means, axis=0)
    var = m / (m - 1) * np.var(batch_means, axis=0)
    return mean, var
