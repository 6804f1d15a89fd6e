# mutant: one column too many (depth + 1)
import tensorflow as tf


def one_hot_matrix(labels, depth):
    return tf.one_hot(labels, depth + 1)
