# mutant: runs the model in training mode twice per step (Batch Norm updates twice)
import tensorflow as tf


def train_step(model, optimizer, x, y):
    model(x, training=True)
    with tf.GradientTape() as tape:
        logits = model(x, training=True)
        loss = compute_total_loss(logits, y)
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return loss
