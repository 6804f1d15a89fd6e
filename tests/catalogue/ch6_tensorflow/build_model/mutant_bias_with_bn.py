# mutant: hidden Dense layers keep their bias with Batch Norm
import tensorflow as tf


def build_model(n_features, hidden_units, n_classes, use_bn=True):
    stack = [tf.keras.Input(shape=(n_features,))]
    for units in hidden_units:
        if use_bn:
            stack += [tf.keras.layers.Dense(units), BatchNorm(), tf.keras.layers.ReLU()]
        else:
            stack += [tf.keras.layers.Dense(units), tf.keras.layers.ReLU()]
    stack.append(tf.keras.layers.Dense(n_classes))
    return tf.keras.Sequential(stack)
