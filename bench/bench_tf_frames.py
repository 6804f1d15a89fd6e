"""Benchmark: what a small TensorFlow op costs on a kernel's main thread, and below IPython's frames.

TensorFlow records the innermost Python frames of every op it runs, with their line
numbers; on a kernel's main thread those include IPython's and ipykernel's long
functions. The grader runs test cells and the student's functions below
``autograder.kernel.remote.DEEP_FRAMES`` small frames (``remote.below_ipython``). This
prints, in one kernel, the microseconds per ``tf.add`` of two 4x4 tensors called
straight from a cell, from below those frames, and from a thread of its own, and
the ratio of the first two.

    .venv/bin/python bench/bench_tf_frames.py [--ops 20000]
"""

import argparse

from jupyter_client.manager import start_new_kernel

from autograder.environment import prepare

CODE = """
import threading, time
import numpy as np
import tensorflow as tf
from autograder.kernel.remote import below_ipython

x = tf.constant(np.ones((4, 4), np.float32))

def per_op(ops):
    for _ in range(300):
        tf.add(x, x)
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for _ in range(ops):
            tf.add(x, x)
        best = min(best, (time.perf_counter() - started) / ops * 1e6)
    return best

straight = per_op({ops})
below = below_ipython(per_op, {ops})
thread = []
worker = threading.Thread(target=lambda: thread.append(per_op({ops})))
worker.start()
worker.join()
print(f"straight from a cell: {{straight:.1f}} us an op")
print(f"below IPython's frames: {{below:.1f}} us an op")
print(f"on a thread of its own: {{thread[0]:.1f}} us an op")
print(f"straight / below: {{straight / below:.2f}}")
"""


def main():
    prepare()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=20000, help="ops per timing (best of three)")
    args = parser.parse_args()
    manager, client = start_new_kernel(kernel_name="python3")
    try:
        reply = client.execute_interactive(CODE.format(ops=args.ops), timeout=600, output_hook=_print_stream)
        if reply["content"]["status"] != "ok":
            raise SystemExit(f"the kernel failed: {reply['content'].get('ename')}: {reply['content'].get('evalue')}")
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def _print_stream(message):
    if message["msg_type"] == "stream" and message["content"]["name"] == "stdout":
        print(message["content"]["text"], end="")


if __name__ == "__main__":
    main()
