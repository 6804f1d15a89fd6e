# alternative: turns each batch variance into an unbiased one first, then averages
import numpy as np

def population_statistics(batch_means, batch_vars, m):
    unbiased = [var_B * m / (m - 1) for var_B in batch_vars]
    mean = sum(batch_means) / len(batch_means)
    var = sum(unbiased) / len(unbiased)
    print(f"population statistics from {len(unbiased)} batches")
    return mean, var
