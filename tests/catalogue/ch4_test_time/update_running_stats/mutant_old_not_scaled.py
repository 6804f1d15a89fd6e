# mutant: adds the batch share to the unscaled old estimate (old + (1 - momentum) * batch)
import numpy as np

def update_running_stats(running_mean, running_var, batch_mean, batch_var, momentum=0.99):
    mean = running_mean + (1 - momentum) * batch_mean
    var = running_var + (1 - momentum) * batch_var
    return mean, var
