# mutant: returns where a fresh tensor lives (a long '/job:localhost/...' name)
import tensorflow as tf


def best_device():
    return tf.constant(0.0).device
