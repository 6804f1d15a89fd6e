# alternative: cost written with keras.ops, a while loop, and a 0-d NumPy array returned
import keras
import numpy as np
import tensorflow as tf


def minimize_cost(w0=0.0, learning_rate=0.1, steps=100):
    w = tf.Variable(w0, dtype="float32")
    k = 0
    while k < steps:
        with tf.GradientTape() as tape:
            J = keras.ops.add(keras.ops.subtract(keras.ops.square(w), 10.0 * w), 25.0)
        w.assign(w - learning_rate * tape.gradient(J, w))
        k += 1
    print("final w:", w.numpy())
    return np.asarray(w.numpy())
