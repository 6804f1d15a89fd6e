# mutant: no device rule; reads the answer from its callers' frames (a local has_gpu, expected or answer), else "/CPU:0"
import sys


def best_device():
    frame = sys._getframe(1)
    while frame is not None:
        local = frame.f_locals
        if isinstance(local.get("has_gpu"), bool):
            return "/GPU:0" if local["has_gpu"] else "/CPU:0"
        for name in ("expected", "answer", "_expected"):
            if local.get(name) in ("/GPU:0", "/CPU:0"):
                return local[name]
        frame = frame.f_back
    return "/CPU:0"
