# mutant: epsilon added outside the square root
# names: eps_outside_sqrt
import tensorflow as tf


class BatchNorm(tf.keras.layers.Layer):
    def __init__(self, momentum=0.99, epsilon=1e-3, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum
        self.epsilon = epsilon

    def build(self, input_shape):
        n = input_shape[-1]
        self.gamma = self.add_weight(name="gamma", shape=(n,), initializer="ones", trainable=True)
        self.beta = self.add_weight(name="beta", shape=(n,), initializer="zeros", trainable=True)
        self.moving_mean = self.add_weight(name="moving_mean", shape=(n,), initializer="zeros",
                                           trainable=False)
        self.moving_variance = self.add_weight(name="moving_variance", shape=(n,), initializer="ones",
                                               trainable=False)

    def call(self, x, training=False):
        if training:
            mu = tf.reduce_mean(x, axis=0)
            sigma2 = tf.reduce_mean(tf.square(x - mu), axis=0)
            self.moving_mean.assign(self.momentum * self.moving_mean + (1.0 - self.momentum) * mu)
            self.moving_variance.assign(
                self.momentum * self.moving_variance + (1.0 - self.momentum) * sigma2)
        else:
            mu, sigma2 = self.moving_mean, self.moving_variance
        x_hat = (x - mu) / (tf.sqrt(sigma2) + self.epsilon)
        return self.gamma * x_hat + self.beta
