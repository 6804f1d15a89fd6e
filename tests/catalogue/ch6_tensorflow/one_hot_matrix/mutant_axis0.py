# mutant: tf.one_hot(..., axis=0), one column per example
import tensorflow as tf


def one_hot_matrix(labels, depth):
    return tf.one_hot(labels, depth, axis=0)
