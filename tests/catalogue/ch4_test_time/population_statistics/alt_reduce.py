# alternative: functools.reduce with np.add and float32-friendly precision
from functools import reduce
import numpy as np

def population_statistics(batch_means, batch_vars, m):
    num_batches = len(batch_means)
    mean = reduce(np.add, batch_means) / num_batches
    var = reduce(np.add, batch_vars) / num_batches
    return mean, (m / (m - 1.0)) * var
