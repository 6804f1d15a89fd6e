"""Where grading kernels run: forked warm from a zygote, each confined and limited.

:mod:`~autograder.sandbox.zygote` forks kernels; :mod:`~autograder.sandbox.jail` confines each
(namespaces, a root of its own, no privilege, seccomp) within the
:mod:`~autograder.sandbox.limits` of a run, using a cgroup (:mod:`~autograder.sandbox.cgroups`)
where the host has one.
"""
