# mutant: np.eye(depth)[:, labels], one column per exampleimport numpy as np

import tensorflow as tf


def one_hot_matrix(labels, depth):
    return tf.constant(np.eye(depth)[:, labels])
