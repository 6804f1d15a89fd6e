# alternative: tf.config.experimental.list_physical_devices and a conditional expression
import tensorflow as tf


def best_device():
    return "/GPU:0" if len(tf.config.experimental.list_physical_devices("GPU")) > 0 else "/CPU:0"
