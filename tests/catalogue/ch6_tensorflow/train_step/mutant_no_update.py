# mutant: computes the gradients but never applies them
import tensorflow as tf


def train_step(model, optimizer, x, y):
    with tf.GradientTape() as tape:
        logits = model(x, training=True)
        loss = compute_total_loss(logits, y)
    grads = tape.gradient(loss, model.trainable_variables)
    return loss
