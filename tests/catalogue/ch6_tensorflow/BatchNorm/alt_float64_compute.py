# alternative: computes the statistics in float64 and casts the result back
import tensorflow as tf


class BatchNorm(tf.keras.layers.Layer):
    def __init__(self, momentum=0.99, epsilon=1e-3, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum
        self.epsilon = epsilon

    def build(self, input_shape):
        n = input_shape[-1]
        self.gamma = self.add_weight(name="gamma", shape=(n,), initializer="ones")
        self.beta = self.add_weight(name="beta", shape=(n,), initializer="zeros")
        self.moving_mean = self.add_weight(name="moving_mean", shape=(n,), initializer="zeros", trainable=False)
        self.moving_variance = self.add_weight(name="moving_variance", shape=(n,), initializer="ones",
                                               trainable=False)

    def call(self, x, training=False):
        x64 = tf.cast(x, tf.float64)
        if training:
            mean64 = tf.reduce_mean(x64, axis=0)
            var64 = tf.reduce_mean(tf.square(x64 - mean64), axis=0)
            mean, var = tf.cast(mean64, self.moving_mean.dtype), tf.cast(var64, self.moving_variance.dtype)
            self.moving_mean.assign(self.momentum * self.moving_mean + (1 - self.momentum) * mean)
            self.moving_variance.assign(self.momentum * self.moving_variance + (1 - self.momentum) * var)
        else:
            mean64 = tf.cast(self.moving_mean, tf.float64)
            var64 = tf.cast(self.moving_variance, tf.float64)
        x_hat = (x64 - mean64) / tf.sqrt(var64 + self.epsilon)
        return tf.cast(self.gamma, tf.float64) * x_hat + tf.cast(self.beta, tf.float64)
