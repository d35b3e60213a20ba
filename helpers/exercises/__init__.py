"""Worked solutions of the exercises (notebooks 06 and 08-10) and the checkers that test a
learner's own version against them (``helpers.exercises.checkers``)."""
