"""Shared core of the K-Means from Scratch notebooks.

>>> import helpers
>>> centroids, labels = helpers.kmeans(X, k=4)
"""

from helpers.data import course_data, failure_cases, load_old_faithful
from helpers.kmeans import (
    Step,
    assign,
    check_data,
    inertia,
    init_centroids,
    kmeans,
    kmeans_pp_init,
    kmeans_steps,
    lloyd_steps,
    nearest_centroid,
    update,
)
from helpers.minibatch import minibatch_kmeans, minibatch_update
from helpers.mixture import em_gmm, soft_assign, soft_kmeans
from helpers.quantize import quantize
from helpers.silhouette import silhouette_samples, silhouette_score

__all__ = [
    "Step",
    "assign",
    "check_data",
    "course_data",
    "failure_cases",
    "load_old_faithful",
    "inertia",
    "init_centroids",
    "kmeans",
    "kmeans_pp_init",
    "kmeans_steps",
    "lloyd_steps",
    "nearest_centroid",
    "update",
    "em_gmm",
    "minibatch_kmeans",
    "minibatch_update",
    "quantize",
    "silhouette_samples",
    "silhouette_score",
    "soft_assign",
    "soft_kmeans",
]
