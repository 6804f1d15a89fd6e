# mutant: checks the CPU list, which is never empty
import tensorflow as tf


def best_device():
    if tf.config.list_physical_devices("CPU"):
        return "/GPU:0"
    return "/CPU:0"
