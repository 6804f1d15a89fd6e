# mutant: right numbers, no training at all: the closed form of gradient descent on this quadratic
def minimize_cost(w0=0.0, learning_rate=0.1, steps=100):
    return 5.0 + (w0 - 5.0) * (1.0 - 2.0 * learning_rate) ** steps
