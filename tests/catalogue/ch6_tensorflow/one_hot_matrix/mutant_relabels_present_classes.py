# mutant: renumbers the classes that occur (np.unique), wrong when a class is missingimport numpy as np

import tensorflow as tf


def one_hot_matrix(labels, depth):
    _, index = np.unique(labels, return_inverse=True)
    return tf.one_hot(index, depth)
