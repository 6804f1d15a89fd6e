"""Code that runs inside the grading kernels, imported by the notebooks' tests.

:mod:`~autograder.kernel.tfcheck` holds the hidden tests' device rule, inputs and verdicts;
the judge kernel and the submission's talk through :mod:`~autograder.kernel.judge_side` (the
judge's proxies, probes and test runner) and :mod:`~autograder.kernel.submission_side` (what the
submission's kernel serves), every byte between them in :mod:`~autograder.kernel.wire`;
:mod:`~autograder.kernel.probes` answers questions about a student's objects in plain data;
:mod:`~autograder.kernel.remote` keeps the names hidden tests import. Nothing here reads the
gradebook or the course's files: a kernel sees only this package and its own folder.
"""
