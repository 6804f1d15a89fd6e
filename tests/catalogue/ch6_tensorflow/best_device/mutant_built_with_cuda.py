# mutant: asks whether TensorFlow was built with CUDA, not whether it sees a GPU
import tensorflow as tf


def best_device():
    if tf.test.is_built_with_cuda():
        return "/GPU:0"
    return "/CPU:0"
