# alternative: sparse cross-entropy on the argmax of the one-hot labels, compiled with tf.function
import tensorflow as tf


@tf.function
def compute_total_loss(logits, labels):
    classes = tf.argmax(labels, axis=1)
    return tf.reduce_sum(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=classes, logits=logits))
