# alternative: compare each label with tf.range(depth) and cast the booleans
import tensorflow as tf


def one_hot_matrix(labels, depth):
    labels = tf.reshape(tf.cast(labels, tf.int32), (-1, 1))
    return tf.cast(tf.equal(labels, tf.range(depth)[tf.newaxis, :]), tf.float32)
