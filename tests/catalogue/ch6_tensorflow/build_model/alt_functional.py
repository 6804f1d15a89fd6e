# alternative: the functional API, with tf.nn.relu applied to symbolic tensors via Activation
import tensorflow as tf


def build_model(n_features, hidden_units, n_classes, use_bn=True):
    inputs = tf.keras.Input(shape=(n_features,))
    h = inputs
    for units in hidden_units:
        h = tf.keras.layers.Dense(units, use_bias=not use_bn)(h)
        if use_bn:
            h = BatchNorm()(h)
        h = tf.keras.layers.Activation("relu")(h)
    logits = tf.keras.layers.Dense(n_classes)(h)
    return tf.keras.Model(inputs=inputs, outputs=logits)
