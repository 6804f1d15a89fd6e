# alternative: copies first, then updates the copies in place; returns a list and prints
import numpy as np

def update_running_stats(running_mean, running_var, batch_mean, batch_var, momentum=0.99):
    mean = np.array(running_mean, dtype=float, copy=True)
    var = np.array(running_var, dtype=float, copy=True)
    mean *= momentum
    mean += (1 - momentum) * batch_mean
    var *= momentum
    var += (1 - momentum) * batch_var
    print("updated running statistics for", mean.shape[0], "units")
    return [mean, var]
