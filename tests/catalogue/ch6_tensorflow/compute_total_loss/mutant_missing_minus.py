# mutant: forgets the minus sign of the cross-entropy
import tensorflow as tf


def compute_total_loss(logits, labels):
    labels = tf.cast(labels, logits.dtype)
    return tf.reduce_sum(labels * tf.nn.log_softmax(logits, axis=1))
