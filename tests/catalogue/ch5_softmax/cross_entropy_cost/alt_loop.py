# alternative: a loop over examples and classes
import math


def cross_entropy_cost(Y_hat, Y):
    C, m = Y.shape
    total = 0.0
    for i in range(m):
        for k in range(C):
            if Y[k, i]:
                total -= Y[k, i] * math.log(Y_hat[k, i])
    return total / m
