# alternative: TensorFlow's tf.one_hot with axis=0, returned as a NumPy array
import tensorflow as tf


def one_hot(y, C):
    return tf.one_hot(y, depth=C, axis=0).numpy()
