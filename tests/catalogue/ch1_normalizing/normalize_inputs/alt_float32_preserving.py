# alternative: keeps the input dtype throughout (float32 stays float32), eps cast to that dtype
import numpy as np


def normalize_inputs(X_train, X_test, eps=1e-8):
    dtype = X_train.dtype
    m = X_train.shape[1]
    mu = (X_train.sum(axis=1, keepdims=True) / dtype.type(m)).astype(dtype)
    centered = X_train - mu
    var = ((centered * centered).sum(axis=1, keepdims=True) / dtype.type(m)).astype(dtype)
    inv_std = (dtype.type(1) / np.sqrt(var + dtype.type(eps))).astype(dtype)
    X_train_norm = (centered * inv_std).astype(dtype)
    X_test_norm = ((X_test - mu) * inv_std).astype(dtype)
    assert X_train_norm.dtype == dtype and X_test_norm.dtype == dtype
    return X_train_norm, X_test_norm
