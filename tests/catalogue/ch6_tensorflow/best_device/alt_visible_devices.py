# alternative: tf.config.get_visible_devices, printing what it found
import tensorflow as tf


def best_device():
    gpus = tf.config.get_visible_devices("GPU")
    print("visible GPUs:", gpus)
    if len(gpus) == 0:
        return "/CPU:0"
    return "/GPU:0"
