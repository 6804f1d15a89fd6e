# alternative: variance as E[x^2] - E[x]^2 with explicit sums over m, and a tf.function-compiled call
import tensorflow as tf


class BatchNorm(tf.keras.layers.Layer):
    def __init__(self, momentum=0.99, epsilon=1e-3, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum
        self.epsilon = epsilon

    def build(self, input_shape):
        n = input_shape[-1]
        self.gamma = self.add_weight(shape=(n,), initializer="ones", name="gamma")
        self.beta = self.add_weight(shape=(n,), initializer="zeros", name="beta")
        self.moving_mean = self.add_weight(shape=(n,), initializer="zeros", trainable=False, name="moving_mean")
        self.moving_variance = self.add_weight(shape=(n,), initializer="ones", trainable=False, name="moving_variance")

    @tf.function
    def call(self, x, training=False):
        if training:
            m = tf.cast(tf.shape(x)[0], x.dtype)
            mean = tf.reduce_sum(x, axis=0) / m
            var = tf.maximum(tf.reduce_sum(x * x, axis=0) / m - mean * mean, 0.0)
            self.moving_mean.assign(self.momentum * self.moving_mean + (1 - self.momentum) * mean)
            self.moving_variance.assign(self.momentum * self.moving_variance + (1 - self.momentum) * var)
        else:
            mean, var = self.moving_mean, self.moving_variance
        scale = self.gamma / tf.sqrt(var + self.epsilon)
        return x * scale + (self.beta - mean * scale)
