# mutant: marks every entry equal to the column max, so a tie gives several ones
import numpy as np


def hardmax(Z):
    return (Z == np.max(Z, axis=0, keepdims=True)).astype(float)
