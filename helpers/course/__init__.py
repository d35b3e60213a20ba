"""The course's tooling: data sets, figures, the animation, sliders, experiments that
repeat K-Means over many seeds, choosing k, and measuring time and memory fairly."""
