# alternative: a persistent tape reused for both the gradient and a check, updated with an optimizer on a float64 variable
import tensorflow as tf


def minimize_cost(w0=0.0, learning_rate=0.1, steps=100):
    w = tf.Variable(float(w0), dtype=tf.float64)
    optimizer = tf.keras.optimizers.SGD(learning_rate=learning_rate)
    for _ in range(steps):
        with tf.GradientTape(persistent=True) as tape:
            cost = tf.square(w - 5.0)
        (grad,) = tape.gradient(cost, [w])
        del tape
        optimizer.apply_gradients([(grad, w)])
    return float(w.numpy())
