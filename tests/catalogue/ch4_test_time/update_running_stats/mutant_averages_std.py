# mutant: averages standard deviations, then squares, instead of averaging variances
import numpy as np

def update_running_stats(running_mean, running_var, batch_mean, batch_var, momentum=0.99):
    mean = momentum * running_mean + (1 - momentum) * batch_mean
    std = momentum * np.sqrt(running_var) + (1 - momentum) * np.sqrt(batch_var)
    return mean, std ** 2
