# mutant: updates the mean only and returns the old variance
import numpy as np

def update_running_stats(running_mean, running_var, batch_mean, batch_var, momentum=0.99):
    mean = momentum * running_mean + (1 - momentum) * batch_mean
    return mean, running_var
