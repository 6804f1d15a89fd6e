# alternative: a custom block layer whose call does not mention training (Keras passes it on to BatchNorm anyway)
import tensorflow as tf


class HiddenBlock(tf.keras.layers.Layer):
    def __init__(self, units, use_bn, **kwargs):
        super().__init__(**kwargs)
        self.dense = tf.keras.layers.Dense(units, use_bias=not use_bn)
        self.norm = BatchNorm() if use_bn else None

    def call(self, x):
        x = self.dense(x)
        if self.norm is not None:
            x = self.norm(x)
        return tf.nn.relu(x)


def build_model(n_features, hidden_units, n_classes, use_bn=True):
    model = tf.keras.Sequential([tf.keras.Input(shape=(n_features,))]
                                + [HiddenBlock(units, use_bn) for units in hidden_units]
                                + [tf.keras.layers.Dense(n_classes)])
    return model
