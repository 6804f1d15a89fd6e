# alternative: weights of shape (1, n) and statistics with keepdims=True, via tf.math.reduce_variance
import tensorflow as tf


class BatchNorm(tf.keras.layers.Layer):
    def __init__(self, momentum=0.99, epsilon=1e-3, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum
        self.epsilon = epsilon

    def build(self, input_shape):
        shape = (1, input_shape[-1])
        self.gamma = self.add_weight(name="gamma", shape=shape, initializer="ones")
        self.beta = self.add_weight(name="beta", shape=shape, initializer="zeros")
        self.moving_mean = self.add_weight(name="moving_mean", shape=shape, initializer="zeros", trainable=False)
        self.moving_variance = self.add_weight(name="moving_variance", shape=shape, initializer="ones",
                                               trainable=False)

    def call(self, x, training=False):
        if not training:
            Z_tilde = (x - self.moving_mean) / tf.sqrt(self.moving_variance + self.epsilon)
            return self.gamma * Z_tilde + self.beta
        mu = tf.reduce_mean(x, axis=0, keepdims=True)
        var = tf.math.reduce_variance(x, axis=0, keepdims=True)
        self.moving_mean.assign(self.momentum * self.moving_mean + (1 - self.momentum) * mu)
        self.moving_variance.assign(self.momentum * self.moving_variance + (1 - self.momentum) * var)
        Z_tilde = (x - mu) * tf.math.rsqrt(var + self.epsilon)
        print("training call on a batch of", x.shape[0])
        return self.gamma * Z_tilde + self.beta
