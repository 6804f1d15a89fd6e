# mutant: depth inferred as max(labels) + 1 instead of the given depthimport numpy as np

import tensorflow as tf


def one_hot_matrix(labels, depth):
    return tf.one_hot(labels, int(np.max(labels)) + 1)
