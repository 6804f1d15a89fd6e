# alternative: keras.ops (mean, var, rsqrt), weights created in build with keras.Variable
import keras
import numpy as np
import tensorflow as tf
from keras import ops


class BatchNorm(tf.keras.layers.Layer):
    def __init__(self, momentum=0.99, epsilon=1e-3, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum
        self.epsilon = epsilon

    def build(self, input_shape):
        n = input_shape[-1]
        self.gamma = keras.Variable(np.ones(n, np.float32), name="gamma")
        self.beta = keras.Variable(np.zeros(n, np.float32), name="beta")
        self.moving_mean = keras.Variable(np.zeros(n, np.float32), trainable=False, name="moving_mean")
        self.moving_variance = keras.Variable(np.ones(n, np.float32), trainable=False, name="moving_variance")

    def call(self, x, training=False):
        if training:
            mean, var = ops.mean(x, axis=0), ops.var(x, axis=0)
            self.moving_mean.assign(ops.add(ops.multiply(self.moving_mean, self.momentum),
                                            ops.multiply(mean, 1 - self.momentum)))
            self.moving_variance.assign(ops.add(ops.multiply(self.moving_variance, self.momentum),
                                                ops.multiply(var, 1 - self.momentum)))
        else:
            mean, var = self.moving_mean, self.moving_variance
        return ops.add(ops.multiply((x - mean) * ops.rsqrt(var + self.epsilon), self.gamma), self.beta)
