# mutant: copy-paste slip, the variance is updated with the batch mean
import numpy as np

def update_running_stats(running_mean, running_var, batch_mean, batch_var, momentum=0.99):
    mean = momentum * running_mean + (1 - momentum) * batch_mean
    var = momentum * running_var + (1 - momentum) * batch_mean
    return mean, var
