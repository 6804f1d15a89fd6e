"""nbgrader-style preprocessors that BN Week adds to nbgrader's own pipelines."""
