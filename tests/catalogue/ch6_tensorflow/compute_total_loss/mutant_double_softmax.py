# mutant: applies softmax before a loss that applies it again
import tensorflow as tf


def compute_total_loss(logits, labels):
    labels = tf.cast(labels, logits.dtype)
    per_example = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=tf.nn.softmax(logits))
    return tf.reduce_sum(per_example)
