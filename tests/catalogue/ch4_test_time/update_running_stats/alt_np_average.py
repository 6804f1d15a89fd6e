# alternative: np.average of old and batch with weights (momentum, 1 - momentum)
import numpy as np

def update_running_stats(running_mean, running_var, batch_mean, batch_var, momentum=0.99):
    weights = [momentum, 1 - momentum]
    mean = np.average(np.stack([running_mean, batch_mean]), axis=0, weights=weights)
    var = np.average(np.stack([running_var, batch_var]), axis=0, weights=weights)
    return mean, var
