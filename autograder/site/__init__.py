"""The website: both editions' build (:mod:`~autograder.site.build`) and the finder of
graded answers on its pages (:mod:`~autograder.site.leaks`)."""
