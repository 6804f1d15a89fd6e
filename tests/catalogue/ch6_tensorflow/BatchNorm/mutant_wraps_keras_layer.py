# mutant: hands the work to a tf.keras.layers.BatchNormalization it holds, exposing its weights
import tensorflow as tf


class BatchNorm(tf.keras.layers.Layer):
    def __init__(self, momentum=0.99, epsilon=1e-3, **kwargs):
        super().__init__(**kwargs)
        self.inner = tf.keras.layers.BatchNormalization(momentum=momentum, epsilon=epsilon)

    def build(self, input_shape):
        self.inner.build(input_shape)
        self.gamma, self.beta = self.inner.gamma, self.inner.beta
        self.moving_mean, self.moving_variance = self.inner.moving_mean, self.inner.moving_variance

    def call(self, x, training=False):
        return self.inner(x, training=training)
