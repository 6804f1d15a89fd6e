# alternative: tf.nn.moments and tf.nn.batch_normalization, float32 weights made with initializer objects
import tensorflow as tf


class BatchNorm(tf.keras.layers.Layer):
    def __init__(self, momentum=0.99, epsilon=1e-3, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum
        self.epsilon = epsilon

    def build(self, input_shape):
        shape = (int(input_shape[-1]),)
        self.gamma = self.add_weight(shape=shape, initializer=tf.keras.initializers.Ones(), name="gamma")
        self.beta = self.add_weight(shape=shape, initializer=tf.keras.initializers.Zeros(), name="beta")
        self.moving_mean = self.add_weight(shape=shape, initializer=tf.keras.initializers.Zeros(),
                                           trainable=False, name="moving_mean")
        self.moving_variance = self.add_weight(shape=shape, initializer=tf.keras.initializers.Ones(),
                                               trainable=False, name="moving_variance")

    def call(self, inputs, training=None):
        if training:
            mean, variance = tf.nn.moments(inputs, axes=[0])
            self.moving_mean.assign_sub((1 - self.momentum) * (self.moving_mean - mean))
            self.moving_variance.assign_sub((1 - self.momentum) * (self.moving_variance - variance))
        else:
            mean = tf.convert_to_tensor(self.moving_mean)
            variance = tf.convert_to_tensor(self.moving_variance)
        return tf.nn.batch_normalization(inputs, mean, variance, self.beta, self.gamma, self.epsilon)
