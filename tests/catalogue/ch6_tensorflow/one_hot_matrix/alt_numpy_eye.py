# alternative: NumPy's identity rows, converted to a float64 tensor
import numpy as np
import tensorflow as tf


def one_hot_matrix(labels, depth):
    return tf.convert_to_tensor(np.eye(depth)[np.asarray(labels)])
