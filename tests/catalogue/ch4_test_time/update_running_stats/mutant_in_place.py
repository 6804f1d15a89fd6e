# mutant: updates the caller's running arrays in place and returns them
import numpy as np

def update_running_stats(running_mean, running_var, batch_mean, batch_var, momentum=0.99):
    running_mean *= momentum
    running_mean += (1 - momentum) * batch_mean
    running_var *= momentum
    running_var += (1 - momentum) * batch_var
    return running_mean, running_var
