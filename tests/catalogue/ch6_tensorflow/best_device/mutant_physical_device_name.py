# mutant: returns the physical device's name ('/physical_device:GPU:0')
import tensorflow as tf


def best_device():
    gpus = tf.config.list_physical_devices("GPU")
    return gpus[0].name if gpus else "/CPU:0"
