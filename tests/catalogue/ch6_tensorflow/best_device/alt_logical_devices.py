# alternative: logical devices and an f-string
import tensorflow as tf


def best_device():
    kind = "GPU" if tf.config.list_logical_devices("GPU") else "CPU"
    return f"/{kind}:0"
