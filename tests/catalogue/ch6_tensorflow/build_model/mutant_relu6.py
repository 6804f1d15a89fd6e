# mutant: ReLU capped at 6 (ReLU(max_value=6)), which agrees with ReLU only on small activations
import tensorflow as tf


def build_model(n_features, hidden_units, n_classes, use_bn=True):
    stack = [tf.keras.Input(shape=(n_features,))]
    for units in hidden_units:
        if use_bn:
            stack += [tf.keras.layers.Dense(units, use_bias=False), BatchNorm(), tf.keras.layers.ReLU(max_value=6.0)]
        else:
            stack += [tf.keras.layers.Dense(units), tf.keras.layers.ReLU(max_value=6.0)]
    stack.append(tf.keras.layers.Dense(n_classes))
    return tf.keras.Sequential(stack)
