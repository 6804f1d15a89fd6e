# alternative: a persistent tape released explicitly, and a printed progress line
import tensorflow as tf


def train_step(model, optimizer, x, y):
    tape = tf.GradientTape(persistent=True)
    with tape:
        loss = compute_total_loss(model(x, training=True), y)
    grads = tape.gradient(loss, model.trainable_variables)
    del tape
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    print("batch loss", float(loss))
    return loss
