# alternative: tf.test.gpu_device_name() is empty without a GPU
import tensorflow as tf


def best_device():
    name = tf.test.gpu_device_name()
    return "/GPU:0" if name else "/CPU:0"
