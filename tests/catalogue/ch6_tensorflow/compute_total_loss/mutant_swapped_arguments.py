# mutant: labels and logits swapped
import tensorflow as tf


def compute_total_loss(logits, labels):
    labels = tf.cast(labels, logits.dtype)
    per_example = tf.nn.softmax_cross_entropy_with_logits(labels=logits, logits=labels)
    return tf.reduce_sum(per_example)
