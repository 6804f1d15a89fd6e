# mutant: no device rule; answers from a list in the order an earlier hidden test called it (visible assert, this machine, GPU, no GPU, GPU)
_answers = ["/CPU:0", "/CPU:0", "/GPU:0", "/CPU:0", "/GPU:0"]
_calls = []


def best_device():
    _calls.append(None)
    return _answers[len(_calls) - 1] if len(_calls) <= len(_answers) else "/CPU:0"
