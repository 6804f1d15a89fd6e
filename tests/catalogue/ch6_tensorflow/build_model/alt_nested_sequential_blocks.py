# alternative: each hidden layer is a nested Sequential block (Dense, BatchNorm, ReLU) inside the model
import tensorflow as tf


def build_model(n_features, hidden_units, n_classes, use_bn=True):
    blocks = []
    for units in hidden_units:
        if use_bn:
            block = [tf.keras.layers.Dense(units, use_bias=False), BatchNorm(), tf.keras.layers.ReLU()]
        else:
            block = [tf.keras.layers.Dense(units), tf.keras.layers.ReLU()]
        blocks.append(tf.keras.Sequential(block))
    return tf.keras.Sequential([tf.keras.Input(shape=(n_features,)), *blocks, tf.keras.layers.Dense(n_classes)])
