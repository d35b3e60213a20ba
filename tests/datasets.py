"""Named data sets shared by the tests of the core and the engines (built once, cached).

Each is ``(X, k)``. Small enough for the unit tests; ``LARGE`` ones pass the sizes where
the engines change path (``auto``'s switch at 10,000 rows, several chunks and threads).
"""

from functools import lru_cache

import numpy as np
from sklearn.datasets import load_digits, load_iris, make_blobs


@lru_cache(maxsize=None)
def dataset(name: str):
    rng = np.random.RandomState(0)
    if name == "blobs 2-D, k=8":
        return make_blobs(n_samples=6000, centers=8, cluster_std=1.5, random_state=0)[0], 8
    if name == "blobs 16-D, k=20":
        X, _ = make_blobs(n_samples=5000, n_features=16, centers=20, cluster_std=2.0, random_state=1)
        return X, 20
    if name == "iris, k=3":
        return load_iris().data, 3
    if name == "digits, k=10":
        return load_digits().data, 10
    if name == "integer grid with ties, k=6":
        return rng.randint(0, 6, size=(800, 2)).astype(float), 6
    if name == "uniform noise, k=12":
        return rng.uniform(size=(4000, 3)), 12
    if name == "float32 blobs, k=8":
        X, _ = make_blobs(n_samples=6000, n_features=4, centers=8, random_state=2)
        return X.astype(np.float32), 8
    if name == "blobs far from the origin, k=5":
        X, _ = make_blobs(n_samples=2000, n_features=3, centers=5, random_state=2)
        return X + 1e6, 5
    # Above auto's switch (10,000 rows) and over several chunks:
    if name == "large blobs 5-D, k=10":
        X, _ = make_blobs(n_samples=30_000, n_features=5, centers=10, cluster_std=1.5, random_state=4)
        return X, 10
    if name == "large uniform noise 8-D, k=16":
        return rng.uniform(size=(24_000, 8)), 16
    raise KeyError(name)


SMALL = [
    "blobs 2-D, k=8",
    "blobs 16-D, k=20",
    "iris, k=3",
    "digits, k=10",
    "integer grid with ties, k=6",
    "uniform noise, k=12",
    "float32 blobs, k=8",
    "blobs far from the origin, k=5",
]
LARGE = ["large blobs 5-D, k=10", "large uniform noise 8-D, k=16"]


def start(X, k, seed=3):
    """k distinct rows of X, drawn with ``seed``."""
    return X[np.random.RandomState(seed).choice(len(X), k, replace=False)].copy()
