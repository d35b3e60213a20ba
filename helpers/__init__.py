"""K-Means from Scratch: the package every notebook imports.

>>> import helpers
>>> centroids, labels = helpers.kmeans(X, k=4)

Where things are (list ``helpers/`` and read in this order):

- ``kmeans.py``      the algorithm, as notebook 01 builds it: assign, update, the loop;
- ``engine.py``      the engine interface the loop runs on, and the fast Lloyd pass
                     (notebook 13); ``bounds.py`` the engines that skip distances;
- ``threads.py``     threads, chunks of rows, BLAS held to one thread;
- ``numerics.py``    the one rescaling, the centring shift, relative weights;
- ``kmeans_pp.py``   k-means++, the spread-out start of notebook 05;
- ``validation.py``  the input checks every entry point shares;
- ``metrics.py``     how good a clustering is: against known classes, and from the data alone;
- ``medoids.py``     k-medoids (PAM), the robust alternative of notebook 06;
- ``estimator.py``   ``helpers.KMeans``, the core as a scikit-learn estimator (loaded on
                     first use: it imports scikit-learn);
- ``exercises/``     worked solutions of the exercises, and the checkers;
- ``course/``        the course's tooling: data, figures, sliders, experiments, measuring;
- ``scale/``         the same algorithm on a Dask cluster and on any array library.

Importing it is quick and changes nothing: scikit-learn, matplotlib and SciPy load only
when a function that needs them runs.
"""

from helpers.course.data import course_data, failure_cases, load_old_faithful
from helpers.exercises.minibatch import minibatch_kmeans, minibatch_update
from helpers.exercises.mixture import em_gmm, soft_assign, soft_kmeans
from helpers.exercises.quantize import quantize
from helpers.exercises.silhouette import silhouette_samples, silhouette_score
from helpers.kmeans import (
    Step,
    assign,
    inertia,
    init_centroids,
    kmeans,
    kmeans_steps,
    lloyd_steps,
    update,
)
from helpers.kmeans_pp import kmeans_pp_init
from helpers.medoids import kmedoids
from helpers.metrics import calinski_harabasz_score, davies_bouldin_score

__all__ = [
    "Step",
    "assign",
    "calinski_harabasz_score",
    "course_data",
    "davies_bouldin_score",
    "em_gmm",
    "failure_cases",
    "inertia",
    "init_centroids",
    "kmeans",
    "kmeans_pp_init",
    "kmeans_steps",
    "kmedoids",
    "lloyd_steps",
    "load_old_faithful",
    "minibatch_kmeans",
    "minibatch_update",
    "quantize",
    "silhouette_samples",
    "silhouette_score",
    "soft_assign",
    "soft_kmeans",
    "update",
]


def __getattr__(name):
    """``helpers.KMeans`` imports scikit-learn, so it loads on first use only."""
    if name == "KMeans":
        from helpers.estimator import KMeans

        return KMeans
    raise AttributeError(f"module 'helpers' has no attribute {name!r}")


def __dir__():
    return sorted(__all__ + ["KMeans"])
