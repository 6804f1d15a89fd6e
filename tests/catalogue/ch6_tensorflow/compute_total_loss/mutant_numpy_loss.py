# mutant: computes the loss in NumPy, so no gradient reaches the logitsimport numpy as np

import tensorflow as tf


def compute_total_loss(logits, labels):
    labels = tf.cast(labels, logits.dtype)
    z = logits.numpy()
    log_p = z - z.max(axis=1, keepdims=True)
    log_p = log_p - np.log(np.exp(log_p).sum(axis=1, keepdims=True))
    return tf.constant(-(labels.numpy() * log_p).sum())
