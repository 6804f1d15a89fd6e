# alternative: the update step compiled with tf.function
import tensorflow as tf


def minimize_cost(w0=0.0, learning_rate=0.1, steps=100):
    w = tf.Variable(float(w0))

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            cost = tf.square(w - 5.0)
        w.assign_sub(learning_rate * tape.gradient(cost, w))

    for _ in range(steps):
        step()
    return float(w)
