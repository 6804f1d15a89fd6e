"""BN Week's grading and build tooling, built on nbgrader and Jupyter Book.

Importing it changes no environment variable and installs no warnings filter: the command
entry points do that (:func:`autograder.environment.prepare`).
"""
