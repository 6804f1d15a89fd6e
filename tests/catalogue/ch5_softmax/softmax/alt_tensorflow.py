# alternative: delegates to TensorFlow's own softmax over axis 0 and returns the tensor
import tensorflow as tf


def softmax(Z):
    return tf.nn.softmax(tf.constant(Z), axis=0)
