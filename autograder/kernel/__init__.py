"""Code that runs inside the grading kernels, imported by the notebooks' tests.

:mod:`~autograder.kernel.tfcheck` holds the hidden tests' device rule, inputs and verdicts;
:mod:`~autograder.kernel.remote` is the line between the judge kernel and the submission's
(its values travel as :mod:`~autograder.kernel.wire` data); :mod:`~autograder.kernel.probes`
answers questions about a student's objects in plain data. Nothing here reads the gradebook
or the course's files: a kernel sees only this package and its own folder.
"""
