# mutant: law of total variance, mean of batch variances plus variance of batch means
import numpy as np

def population_statistics(batch_means, batch_vars, m):
    mean = np.mean(batch_means, axis=0)
    var = np.mean(batch_vars, axis=0) + np.var(batch_means, axis=0)
    return mean, var
