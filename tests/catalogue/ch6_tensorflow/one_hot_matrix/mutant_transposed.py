# mutant: returns the (depth, m) matrix (chapter 5's column convention)
import tensorflow as tf


def one_hot_matrix(labels, depth):
    return tf.transpose(tf.one_hot(labels, depth))
