# alternative: keras.ops.categorical_crossentropy(from_logits=True) summed with keras.ops.sum
from keras import ops


def compute_total_loss(logits, labels):
    return ops.sum(ops.categorical_crossentropy(labels, logits, from_logits=True))
