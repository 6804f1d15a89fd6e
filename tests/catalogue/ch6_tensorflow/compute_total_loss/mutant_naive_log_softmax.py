# mutant: log of softmax computed naively (log(0) for large logits)
import tensorflow as tf


def compute_total_loss(logits, labels):
    labels = tf.cast(labels, logits.dtype)
    return -tf.reduce_sum(labels * tf.math.log(tf.exp(logits) / tf.reduce_sum(tf.exp(logits), axis=1, keepdims=True)))
