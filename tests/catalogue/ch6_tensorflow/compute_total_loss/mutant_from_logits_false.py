# mutant: Keras loss without from_logits=True (treats logits as probabilities)
import tensorflow as tf


def compute_total_loss(logits, labels):
    labels = tf.cast(labels, logits.dtype)
    return tf.keras.losses.CategoricalCrossentropy(reduction="sum")(labels, logits)
