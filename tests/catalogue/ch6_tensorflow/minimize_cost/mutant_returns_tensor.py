# mutant: returns a scalar tf.Tensor (w.read_value()), not a float
import tensorflow as tf


def minimize_cost(w0=0.0, learning_rate=0.1, steps=100):
    w = tf.Variable(w0, dtype=tf.float32)
    sgd = tf.keras.optimizers.SGD(learning_rate=learning_rate)
    for _ in range(steps):
        with tf.GradientTape() as tape:
            J = w**2 - 10.0 * w + 25.0
        dJ_dw = tape.gradient(J, w)
        sgd.apply_gradients([(dJ_dw, w)])
    return w.read_value()
