# mutant: flattens the result to shape (m * depth,)
import tensorflow as tf


def one_hot_matrix(labels, depth):
    return tf.reshape(tf.one_hot(labels, depth), [-1])
