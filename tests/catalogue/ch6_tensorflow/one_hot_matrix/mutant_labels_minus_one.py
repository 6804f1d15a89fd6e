# mutant: treats labels as 1-based (labels - 1)
import tensorflow as tf


def one_hot_matrix(labels, depth):
    return tf.one_hot(tf.convert_to_tensor(labels) - 1, depth)
