# mutant: averages over batches and units together (no axis), giving one number
import numpy as np

def population_statistics(batch_means, batch_vars, m):
    mean = np.mean(batch_means)
    var = m / (m - 1) * np.mean(batch_vars)
    return mean, var
