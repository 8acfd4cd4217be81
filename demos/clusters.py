"""Demo of kata 11: your spherical_kmeans, silhouette, purity and nmi on real word vectors.

    python grader.py --demo clusters               your functions (katas/clusters.py)
    python grader.py --demo clusters --solutions   the reference

The vectors are SGNS word vectors trained with kata 3's train_sgns on the documentation that ships
with Python (demos/_shared.py, demos/corpus.py), the 2000 most frequent words. They are whitened
(kata 5's fit_whitening and apply_whitening, or the demo's own numpy if kata 5 is not written yet)
and clustered with your spherical_kmeans into K clusters: the reference clusters. A few of them are
printed as word lists, tightest first (the length of a cluster's mean unit row is the mean cosine
of its rows with their center).

Then the same words in other shapes, each clustered anew:

  * the raw SGNS vectors, which share a common direction;
  * a cone: the centered vectors times a random rotation, their spreads squeezed from 1 down to
    0.05, plus an offset of 3 in every coordinate (an invertible linear map and a shift: nothing
    is lost, but every cosine is near 1);
  * the cone whitened again;
  * a collapsed set: the vectors projected onto their top RANK principal directions, plus noise
    of 1e-4 (kata 6's dimensional collapse: what the other directions held is gone);
  * the collapsed set whitened;
  * Gaussian noise of the same shape: no clusters at all, the baseline.

For each: the mean cosine (kata 6's mean_cosine, or the demo's own), the silhouette of its own
clusters, the silhouette of the reference clusters measured in that set (do the same words still
cluster and separate?), and the NMI and purity of its clusters against the reference clusters.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

import numpy as np

_spec = importlib.util.spec_from_file_location("_demo_shared", Path(__file__).with_name("_shared.py"))
_shared = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_shared)
unit = _shared.unit

NEEDS = {"clusters": ("spherical_kmeans", "silhouette", "purity", "nmi"),
         "cooccurrence": _shared.NEEDED_OF_KATA_3}  # what run() calls (grading/demos.py)

K = 20            # clusters
RANK = 3          # directions the collapsed set keeps
SHOWN = 8         # clusters printed as word lists
WORDS = 8         # words per printed cluster
SEED = 0


def _whiten(X):
    """The demo's own PCA whitening (kata 5's formula), for when kata 5 is not written yet."""
    mu = X.mean(axis=0)
    s, U = np.linalg.eigh(np.cov(X, rowvar=False))
    return (X - mu) @ (U / np.sqrt(np.maximum(s, 0.0) + 1e-8))


def _mean_cosine(X):
    U = unit(X)
    total = U.sum(axis=0)
    return float((total @ total - np.sum(U * U)) / (len(U) * (len(U) - 1)))


def helpers(load):
    """(whiten, mean_cosine, whose): katas 5 and 6 where they are written, else the demo's numpy."""
    notes = []
    try:
        kata5 = load("whitening")
        kata5.fit_whitening(np.eye(3))

        def whiten(X):
            mu, W = kata5.fit_whitening(X)
            return kata5.apply_whitening(X, mu, W)
        notes.append("kata 5's whitening")
    except (NotImplementedError, SystemExit):
        whiten = _whiten
        notes.append("the demo's own whitening (kata 5 is not finished)")
    try:
        kata6 = load("collapse")
        kata6.mean_cosine(np.eye(2))
        mean_cosine = kata6.mean_cosine
        notes.append("kata 6's mean_cosine")
    except (NotImplementedError, SystemExit):
        mean_cosine = _mean_cosine
        notes.append("the demo's own mean cosine (kata 6 is not finished)")
    return whiten, mean_cosine, ", ".join(notes)


def make_sets(W, whiten, rng):
    n, d = W.shape
    centered = W - W.mean(axis=0)
    _, _, Vt = np.linalg.svd(centered, full_matrices=False)
    rotation, _ = np.linalg.qr(rng.normal(size=(d, d)))
    cone = 3.0 + (centered @ rotation) * np.geomspace(1.0, 0.05, d)
    collapsed = W.mean(axis=0) + centered @ Vt[:RANK].T @ Vt[:RANK] + 1e-4 * rng.normal(size=(n, d))
    return {
        "SGNS vectors": W,
        "squeezed into a cone": cone,
        "the cone, whitened": whiten(cone),
        f"collapsed to {RANK} directions": collapsed,
        "collapsed, whitened": whiten(collapsed),
        "Gaussian noise": rng.normal(size=(n, d)),
    }


def run(load, plot=False) -> int:
    kata = load("clusters")
    kata.silhouette(np.eye(3), [0, 0, 1])  # a function still to write is named before the training starts
    kata.spherical_kmeans(np.eye(3), 2)
    kata.nmi([0, 1], [0, 1])
    kata.purity([0, 1], [0, 1])
    whiten, mean_cosine, whose = helpers(load)
    words, W = _shared.word_vectors(load)
    start = time.perf_counter()

    reference_set = whiten(W)
    reference, centers = kata.spherical_kmeans(reference_set, K, seed=SEED)
    reference, centers = np.asarray(reference), np.asarray(centers)
    U = unit(reference_set)
    sizes = np.bincount(reference, minlength=K)
    tightness = np.array([np.linalg.norm(U[reference == j].mean(axis=0)) if sizes[j] else 0.0 for j in range(K)])
    print(f"Your spherical_kmeans, k = {K}, on the {len(words)} words whitened ({whose}).")
    print(f"The {SHOWN} tightest clusters, by the mean cosine of their words with the center, each with "
          f"its {WORDS} words nearest the center:\n")
    rows = []
    for j in np.argsort(-tightness)[:SHOWN]:
        members = np.flatnonzero(reference == j)
        nearest = members[np.argsort(-(U[members] @ centers[j]), kind="stable")[:WORDS]]
        rows.append([f"{tightness[j]:.2f}", sizes[j], " ".join(words[i] for i in nearest)])
    _shared.print_table(["mean cos", "words", "nearest the center"], rows)

    sets = make_sets(W, whiten, np.random.default_rng(SEED))
    print(f"\nThe same {len(words)} words in other shapes, each clustered anew (k = {K}); 'reference' is "
          "the clustering above.\n", flush=True)
    header = ["set", "mean cos", "silhouette", "silhouette of reference", "NMI with reference", "purity"]
    rows = [["whitened (the reference)", f"{mean_cosine(reference_set):+.3f}",
             f"{kata.silhouette(reference_set, reference):+.3f}", f"{kata.silhouette(reference_set, reference):+.3f}",
             f"{kata.nmi(reference, reference):.3f}", f"{kata.purity(reference, reference):.3f}"]]
    for name, X in sets.items():
        labels, _ = kata.spherical_kmeans(X, K, seed=SEED)
        rows.append([name, f"{mean_cosine(X):+.3f}", f"{kata.silhouette(X, labels):+.3f}",
                     f"{kata.silhouette(X, reference):+.3f}", f"{kata.nmi(labels, reference):.3f}",
                     f"{kata.purity(labels, reference):.3f}"])
    _shared.print_table(header, rows)
    print(f"\n({time.perf_counter() - start:.1f} s of clustering and scoring.)")
    print("\nWord vectors overlap: a silhouette of a few hundredths is typical, against about 0.03 for noise.\n"
          "In the cone every cosine is near 1, and the reference clusters no longer separate (a negative\n"
          "silhouette): the common direction hides the differences. The cone is only a linear squeeze of\n"
          "the same vectors, so whitening gives every cosine back and the clusters with them. The collapsed\n"
          "set clusters 'well' in its 3 directions (a high silhouette of its own clusters), but they are\n"
          "not the words' clusters (low NMI), and whitening cannot bring back what the projection removed.\n"
          "A silhouette says how well a set clusters; only a reference (NMI, purity) says whether the\n"
          "clusters mean anything.")
    if plot:
        print("\nThis demo draws no picture.", file=sys.stderr)
    return 0
