# mutant: picks the GPU only when there is more than one
import tensorflow as tf


def best_device():
    if len(tf.config.list_physical_devices("GPU")) > 1:
        return "/GPU:0"
    return "/CPU:0"
