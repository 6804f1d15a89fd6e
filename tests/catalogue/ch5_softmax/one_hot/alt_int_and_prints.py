# alternative: integer output, prints and warns
import warnings

import numpy as np


def one_hot(y, C):
    y = np.asarray(y)
    missing = sorted(set(range(C)) - set(y.tolist()))
    if missing:
        warnings.warn(f"classes {missing[:5]} do not appear in y")
    print("one_hot:", C, "classes,", y.size, "labels")
    Y = np.zeros((C, y.size), dtype=np.int64)
    Y[y, np.arange(y.size)] = 1
    return Y
