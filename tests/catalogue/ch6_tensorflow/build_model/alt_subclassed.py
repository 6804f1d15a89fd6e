# alternative: a subclassed tf.keras.Model that passes training on to BatchNorm
import tensorflow as tf


class Classifier(tf.keras.Model):
    def __init__(self, hidden_units, n_classes, use_bn):
        super().__init__()
        self.use_bn = use_bn
        self.hidden = [tf.keras.layers.Dense(units, use_bias=not use_bn) for units in hidden_units]
        self.norms = [BatchNorm() for _ in hidden_units] if use_bn else []
        self.output_layer = tf.keras.layers.Dense(n_classes)

    def call(self, x, training=False):
        for i, dense in enumerate(self.hidden):
            x = dense(x)
            if self.use_bn:
                x = self.norms[i](x, training=training)
            x = tf.nn.relu(x)
        return self.output_layer(x)


def build_model(n_features, hidden_units, n_classes, use_bn=True):
    model = Classifier(list(hidden_units), n_classes, use_bn)
    model.build((None, n_features))
    return model
