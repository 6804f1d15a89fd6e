# mutant: corrects with the number of batches K / (K - 1) instead of the batch size
import numpy as np

def population_statistics(batch_means, batch_vars, m):
    K = len(batch_vars)
    mean = np.mean(batch_means, axis=0)
    var = K / (K - 1) * np.mean(batch_vars, axis=0) if K > 1 else np.mean(batch_vars, axis=0)
    return mean, var
