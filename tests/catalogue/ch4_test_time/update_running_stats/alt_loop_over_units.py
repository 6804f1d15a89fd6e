# alternative: loop over units with Python floats
import numpy as np

def update_running_stats(running_mean, running_var, batch_mean, batch_var, momentum=0.99):
    n = len(running_mean)
    mean = np.zeros((n, 1))
    var = np.zeros((n, 1))
    for i in range(n):
        mean[i, 0] = momentum * float(running_mean[i, 0]) + (1 - momentum) * float(batch_mean[i, 0])
        var[i, 0] = momentum * float(running_var[i, 0]) + (1 - momentum) * float(batch_var[i, 0])
    return mean, var
