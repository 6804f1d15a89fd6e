# alternative: rows of the identity matrix, tf.gather(tf.eye(depth), labels)
import tensorflow as tf


def one_hot_matrix(labels, depth):
    return tf.gather(tf.eye(depth), labels)
