# alternative: plain update w.assign_sub(learning_rate * dJ/dw), returns w.numpy() (a NumPy float32)
import tensorflow as tf


def minimize_cost(w0=0.0, learning_rate=0.1, steps=100):
    w = tf.Variable(w0, dtype=tf.float32)
    for _ in range(steps):
        with tf.GradientTape() as tape:
            cost = w * w - 10 * w + 25
        w.assign_sub(learning_rate * tape.gradient(cost, w))
    return w.numpy()
