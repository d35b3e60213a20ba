"""Worked solutions of the exercises and the checkers that test a learner's own version
against them: ``write_kmeans`` (notebook 01), ``features`` (03), ``chapters`` (a reference
and a checker for the exercises of every chapter), ``checkers`` (07, 10, 11, 12), and the
reference implementations ``silhouette``, ``quantize``, ``minibatch``, ``mixture``;
``mistakes`` holds every exercise's typical wrong answers, ``pattern`` the way a check
reports."""
