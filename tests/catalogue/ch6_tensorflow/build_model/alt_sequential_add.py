# alternative: Sequential.add, relu inside Dense when there is no Batch Norm
import tensorflow as tf


def build_model(n_features, hidden_units, n_classes, use_bn=True):
    model = tf.keras.Sequential()
    model.add(tf.keras.Input(shape=(n_features,)))
    for units in hidden_units:
        if use_bn:
            model.add(tf.keras.layers.Dense(units, use_bias=False))
            model.add(BatchNorm())
            model.add(tf.keras.layers.Activation(tf.nn.relu))
        else:
            model.add(tf.keras.layers.Dense(units, activation="relu"))
    model.add(tf.keras.layers.Dense(n_classes, activation=None))
    return model
