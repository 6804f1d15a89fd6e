# mutant: hard-coded CPU
import tensorflow as tf


def best_device():
    return "/CPU:0"
