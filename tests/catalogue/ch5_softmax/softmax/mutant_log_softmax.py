# mutant: returns log-probabilities (Z - logsumexp) and forgets the final exp
import numpy as np


def softmax(Z):
    Z_shifted = Z - np.max(Z, axis=0, keepdims=True)
    return Z_shifted - np.log(np.sum(np.exp(Z_shifted), axis=0, keepdims=True))
