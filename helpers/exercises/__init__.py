"""Worked solutions of the exercises (notebooks 07 and 10-12) and the checkers that test a
learner's own version against them (``helpers.exercises.checkers``)."""
