"""Compute the t-SNE map of the digits and store it in data/digits_tsne.csv.

    .venv/bin/python tools/make_digits_tsne.py

About 30 s on two cores. The notebook on digits reads the stored map (and can recompute it:
set RECOMPUTE_TSNE = True there). t-SNE's result depends on the scikit-learn version and, in
its last digits, on the machine; the first line of the file records the version.
"""

from pathlib import Path

import numpy as np
import sklearn

from helpers.course.data import TSNE_PARAMS, digits_tsne, load_digits

OUT = Path(__file__).resolve().parents[1] / "data" / "digits_tsne.csv"

if __name__ == "__main__":
    X, _ = load_digits()
    embedding = digits_tsne(X)
    params = ", ".join(f"{k}={v!r}" for k, v in TSNE_PARAMS.items())
    header = f"# sklearn.manifold.TSNE({params}), scikit-learn {sklearn.__version__}\ntsne_1,tsne_2"
    np.savetxt(OUT, embedding, delimiter=",", fmt="%.6f", header=header, comments="")
    print(f"wrote {OUT}: {embedding.shape}")
