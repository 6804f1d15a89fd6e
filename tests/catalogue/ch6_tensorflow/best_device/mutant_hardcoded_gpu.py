# mutant: hard-coded GPU
import tensorflow as tf


def best_device():
    return "/GPU:0"
