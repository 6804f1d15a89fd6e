# mutant: returns the vector of per-example losses (no sum)
import tensorflow as tf


def compute_total_loss(logits, labels):
    labels = tf.cast(labels, logits.dtype)
    per_example = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    return per_example
