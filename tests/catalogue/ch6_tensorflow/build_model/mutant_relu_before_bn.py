# mutant: Dense(activation='relu') then BatchNorm (ReLU before BN)
import tensorflow as tf


def build_model(n_features, hidden_units, n_classes, use_bn=True):
    stack = [tf.keras.Input(shape=(n_features,))]
    for units in hidden_units:
        if use_bn:
            stack += [tf.keras.layers.Dense(units, use_bias=False, activation="relu"), BatchNorm()]
        else:
            stack += [tf.keras.layers.Dense(units), tf.keras.layers.ReLU()]
    stack.append(tf.keras.layers.Dense(n_classes))
    return tf.keras.Sequential(stack)
