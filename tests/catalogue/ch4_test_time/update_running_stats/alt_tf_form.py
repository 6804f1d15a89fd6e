# alternative: TensorFlow's assign_moving_average form, old - (1 - momentum) * (old - batch)
import numpy as np

def update_running_stats(running_mean, running_var, batch_mean, batch_var, momentum=0.99):
    mean = running_mean - (1 - momentum) * (running_mean - batch_mean)
    var = running_var - (1 - momentum) * (running_var - batch_var)
    return mean, var
