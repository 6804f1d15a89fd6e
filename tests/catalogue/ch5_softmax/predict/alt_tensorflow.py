# alternative: TensorFlow's argmax of the logits, returned as a NumPy array
import tensorflow as tf


def predict(X, params):
    logits = tf.matmul(params["W"], X) + params["b"]
    return tf.argmax(logits, axis=0).numpy()
