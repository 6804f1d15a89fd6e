# alternative: Sequential without an Input layer (built on the first call), ReLU layers throughout
import tensorflow as tf


def build_model(n_features, hidden_units, n_classes, use_bn=True):
    layers = []
    for units in hidden_units:
        layers.append(tf.keras.layers.Dense(units, use_bias=not use_bn))
        if use_bn:
            layers.append(BatchNorm(momentum=0.99, epsilon=1e-3))
        layers.append(tf.keras.layers.ReLU())
    layers.append(tf.keras.layers.Dense(n_classes))
    return tf.keras.Sequential(layers)
