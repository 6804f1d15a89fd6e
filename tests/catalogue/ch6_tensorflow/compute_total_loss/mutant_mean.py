# mutant: averages over the batch instead of summing
import tensorflow as tf


def compute_total_loss(logits, labels):
    labels = tf.cast(labels, logits.dtype)
    per_example = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    return tf.reduce_mean(per_example)
