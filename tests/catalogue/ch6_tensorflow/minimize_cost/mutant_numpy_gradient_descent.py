# mutant: right numbers, wrong mechanism: gradient descent in plain Python, with no tf.Variable or GradientTape
def minimize_cost(w0=0.0, learning_rate=0.1, steps=100):
    w = float(w0)
    for _ in range(steps):
        w -= learning_rate * (2.0 * w - 10.0)
    return w
