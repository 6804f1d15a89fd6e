# alternative: Keras 3 optimizer.apply(grads, variables) and trainable_weights, gradients taken inside the block
import tensorflow as tf


def train_step(model, optimizer, x, y):
    with tf.GradientTape() as tape:
        y_hat = model(x, training=True)
        total = compute_total_loss(y_hat, y)
        grads = tape.gradient(total, model.trainable_weights)
    optimizer.apply(grads, model.trainable_weights)
    return total
