# mutant: ignores the momentum argument and always uses 0.99
import numpy as np

def update_running_stats(running_mean, running_var, batch_mean, batch_var, momentum=0.99):
    mean = 0.99 * running_mean + 0.01 * batch_mean
    var = 0.99 * running_var + 0.01 * batch_var
    return mean, var
