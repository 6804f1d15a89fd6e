# alternative: Python loop accumulating sums, divided by the number of batches
import numpy as np

def population_statistics(batch_means, batch_vars, m):
    total_mean = 0.0
    total_var = 0.0
    count = 0
    for mu_B, var_B in zip(batch_means, batch_vars):
        total_mean = total_mean + mu_B
        total_var = total_var + var_B
        count += 1
    return total_mean / count, m / (m - 1) * total_var / count
