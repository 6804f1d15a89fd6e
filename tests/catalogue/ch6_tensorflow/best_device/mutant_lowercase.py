# mutant: lower-case device names ('/gpu:0', '/cpu:0')
import tensorflow as tf


def best_device():
    if tf.config.list_physical_devices("GPU"):
        return "/gpu:0"
    return "/cpu:0"
