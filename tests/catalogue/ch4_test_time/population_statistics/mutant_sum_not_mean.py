# mutant: sums over batches instead of averaging
import numpy as np

def population_statistics(batch_means, batch_vars, m):
    mean = np.sum(batch_means, axis=0)
    var = m / (m - 1) * np.sum(batch_vars, axis=0)
    return mean, var
