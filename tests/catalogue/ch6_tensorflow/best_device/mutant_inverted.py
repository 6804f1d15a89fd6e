# mutant: condition inverted (CPU when a GPU is present)
import tensorflow as tf


def best_device():
    if not tf.config.list_physical_devices("GPU"):
        return "/GPU:0"
    return "/CPU:0"
