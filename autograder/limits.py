"""Resource limits applied to a student's kernel before it runs any code.

The limits are POSIX rlimits, set in the kernel process itself (the zygote's
forked child), so they bind the student's code and everything it starts:

``cpu_seconds``
    CPU time for the whole kernel (``RLIMIT_CPU``); the kernel is killed past it.
``file_bytes``
    Largest file the kernel may write (``RLIMIT_FSIZE``), which bounds output
    written to disk.
``processes``
    Not enforced by rlimit (``RLIMIT_NPROC`` counts every process of the user);
    the kernel's process group is killed when it ends instead.

Memory is watched from outside (see ``autograder.watchdog``): TensorFlow reserves
far more virtual memory than it uses, so ``RLIMIT_AS`` would kill correct answers.
"""

import resource

RLIMITS = {
    "cpu_seconds": resource.RLIMIT_CPU,
    "file_bytes": resource.RLIMIT_FSIZE,
}


def apply_limits(limits):
    """Set each rlimit named in ``limits`` (a dict of name -> int) on this process."""
    for name, value in limits.items():
        if name in RLIMITS and value:
            resource.setrlimit(RLIMITS[name], (int(value), int(value)))
