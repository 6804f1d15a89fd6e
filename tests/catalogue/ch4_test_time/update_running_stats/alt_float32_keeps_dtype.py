# alternative: a helper applied to both statistics, keeping the inputs' float precision
import numpy as np

def update_running_stats(running_mean, running_var, batch_mean, batch_var, momentum=0.99):
    def blend(old, new):
        return (momentum * old + (1 - momentum) * new).astype(np.result_type(old, np.float32))
    return blend(running_mean, batch_mean), blend(running_var, batch_var)
