# alternative: a float64 variable and the Keras 3 optimizer.apply(grads, variables) API
import numpy as np
import tensorflow as tf


def minimize_cost(w0=0.0, learning_rate=0.1, steps=100):
    w = tf.Variable(np.float64(w0))
    optimizer = tf.keras.optimizers.SGD(learning_rate)
    for step in range(steps):
        with tf.GradientTape() as tape:
            J = w**2 - 10 * w + 25
        optimizer.apply([tape.gradient(J, w)], [w])
    return np.float64(w.numpy())
