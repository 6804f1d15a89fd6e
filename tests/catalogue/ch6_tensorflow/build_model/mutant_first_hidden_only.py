# mutant: builds a single hidden layer of hidden_units[0] units
import tensorflow as tf


def build_model(n_features, hidden_units, n_classes, use_bn=True):
    stack = [tf.keras.Input(shape=(n_features,))]
    for units in list(hidden_units)[:1]:
        if use_bn:
            stack += [tf.keras.layers.Dense(units, use_bias=False), BatchNorm(), tf.keras.layers.ReLU()]
        else:
            stack += [tf.keras.layers.Dense(units), tf.keras.layers.ReLU()]
    stack.append(tf.keras.layers.Dense(n_classes))
    return tf.keras.Sequential(stack)
