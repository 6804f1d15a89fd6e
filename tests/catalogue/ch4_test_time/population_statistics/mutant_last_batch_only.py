# mutant: keeps only the last batch's statistics
import numpy as np

def population_statistics(batch_means, batch_vars, m):
    return batch_means[-1], m / (m - 1) * batch_vars[-1]
