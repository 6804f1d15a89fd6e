# mutant: uses the number of examples as the depth
import tensorflow as tf


def one_hot_matrix(labels, depth):
    return tf.one_hot(labels, len(labels))
