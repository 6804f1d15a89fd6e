"""Grading a batch: submissions in, grades, feedback and a report out.

:mod:`~autograder.grading.command` is ``./course grade``; it reads submissions
(:mod:`~autograder.grading.collect`, :mod:`~autograder.grading.intake`), hands them to
the batch engine (:mod:`~autograder.grading.batch`), whose workers execute each notebook
(:mod:`~autograder.grading.execution`, with nbgrader's steps and ours in
:mod:`~autograder.grading.preprocessors`), then writes ``grades.csv``
(:mod:`~autograder.grading.results`) and the report (:mod:`~autograder.grading.report`).
"""
