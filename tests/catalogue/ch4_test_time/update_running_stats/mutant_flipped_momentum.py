# mutant: momentum on the batch term, (1 - momentum) on the old estimate
# names: momentum_inverted
import numpy as np

def update_running_stats(running_mean, running_var, batch_mean, batch_var, momentum=0.99):
    mean = (1 - momentum) * running_mean + momentum * batch_mean
    var = (1 - momentum) * running_var + momentum * batch_var
    return mean, var
