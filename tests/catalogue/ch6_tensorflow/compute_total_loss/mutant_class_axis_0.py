# mutant: softmax over axis 0 (chapter 5's column convention)
import tensorflow as tf


def compute_total_loss(logits, labels):
    labels = tf.cast(labels, logits.dtype)
    per_example = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits, axis=0)
    return tf.reduce_sum(per_example)
