"""How fast are the reference spherical_kmeans and silhouette? A script, not a test:

    python bench/clusters.py
    python bench/clusters.py --repeats 5
    python bench/clusters.py --threads 1     BLAS and OpenMP on one thread each, for both

1. spherical_kmeans (solutions/clusters.py) on N x D rows against scikit-learn's
   KMeans(init="k-means++", n_init=1) on the same rows normalized to unit length, where
   scikit-learn is installed (it is never a dependency of the katas). Both run at most 100 rounds.
   They seed and stop differently, so their labels agree only up to renaming and the odd border
   row: the agreement is the NMI of the two labelings (solutions/clusters.py's nmi), the adjusted
   Rand index (scikit-learn's), and the mean cosine of the rows with their centers (higher is
   better; the spherical k-means objective divided by n), and the rounds each ran (scikit-learn
   also stops once its centers move less than its tol; the reference when no label changes).
2. silhouette with cosine distances on the same rows and the reference's labels, against
   scikit-learn's silhouette_score(X, labels, metric="cosine"): the reference never builds
   distances between pairs of rows (O(n k d), from the sums of each cluster's unit rows),
   scikit-learn works through chunks of the n x n distance matrix (O(n^2 d)). The difference of the
   two values should be rounding only.

The rows: K groups around random directions in D dimensions, each row a direction plus Gaussian
noise, multiplied by a random length. Targets: both no slower than scikit-learn. Every figure is
the best of several repeats, the contenders run in turn within each repeat so that a busy moment of
the machine slows all of them rather than one. numpy (and scikit-learn) use all their threads
unless --threads says otherwise: on a machine that other work keeps busy, threaded BLAS calls on
small matrices wait for each other, and one thread each is the fairer race.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from pathlib import Path


def _options(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=3, help="timed runs per figure; the best counts")
    p.add_argument("--threads", type=int, default=None, help="BLAS and OpenMP threads (default: all)")
    return p.parse_args(argv)


if __name__ == "__main__" and _options(sys.argv[1:]).threads:  # before numpy starts its threads
    for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[_name] = str(_options(sys.argv[1:]).threads)

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
N, D, K = 20_000, 64, 20
NOISE = 0.35
ITERS = 100


def load_reference(name):
    spec = importlib.util.spec_from_file_location(f"{name}_reference", ROOT / "solutions" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def race(fns: dict, repeats: int) -> tuple:
    """(wall, cpu): the best wall time and the best CPU time of this process for each function, run
    in turn within every repeat (after one warm-up run). With one thread each, CPU time is the
    fairer figure on a busy machine; with several, CPU time adds up the threads."""
    for fn in fns.values():
        fn()
    wall, cpu = dict.fromkeys(fns, float("inf")), dict.fromkeys(fns, float("inf"))
    for _ in range(repeats):
        for name, fn in fns.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            fn()
            wall[name] = min(wall[name], time.perf_counter() - start)
            cpu[name] = min(cpu[name], time.process_time() - start_cpu)
    return wall, cpu


def make_rows(rng):
    directions = rng.normal(size=(K, D))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    truth = rng.integers(0, K, N)
    X = directions[truth] + NOISE * rng.normal(size=(N, D))
    return X * rng.uniform(0.5, 3.0, size=(N, 1)), truth


def unit(X):
    return X / np.linalg.norm(X, axis=1, keepdims=True)


def mean_cosine_to_centers(U, labels):
    """The spherical k-means objective over n: each row's cosine with its cluster's normalized mean."""
    sums = np.zeros((labels.max() + 1, U.shape[1]))
    np.add.at(sums, labels, U)
    centers = unit(sums[np.linalg.norm(sums, axis=1) > 0])
    remap = np.cumsum(np.linalg.norm(sums, axis=1) > 0) - 1
    return float(np.mean(np.sum(U * centers[remap[labels]], axis=1)))


def rounds(ref, X, labels) -> int:
    """The rounds the reference ran: the fewest iters that give the same labels."""
    low, high = 1, ITERS
    while low < high:
        mid = (low + high) // 2
        if np.array_equal(ref.spherical_kmeans(X, K, iters=mid, seed=0)[0], labels):
            high = mid
        else:
            low = mid + 1
    return low


def main(argv=None) -> int:
    args = _options(argv)
    try:
        import sklearn
        from sklearn.cluster import KMeans
        from sklearn.metrics import adjusted_rand_score, silhouette_score
    except ImportError:
        sklearn = None
    ref = load_reference("clusters")
    rng = np.random.default_rng(0)
    X, truth = make_rows(rng)
    U = unit(X)
    threads = f"{args.threads} thread(s) each" if args.threads else "all threads"
    print(f"numpy {np.__version__}, {os.cpu_count()} CPUs ({threads}), {N} x {D} rows in {K} groups, "
          f"best of {args.repeats}")
    if sklearn is None:
        print("scikit-learn is not installed (pip install scikit-learn to compare): the reference alone.\n")
    else:
        print(f"against scikit-learn {sklearn.__version__}\n")

    print(f"1. Clustering, k = {K}, at most {ITERS} rounds")
    fns = {"reference": lambda: ref.spherical_kmeans(X, K, iters=ITERS, seed=0)}
    if sklearn is not None:
        fns["sklearn"] = lambda: KMeans(K, init="k-means++", n_init=1, max_iter=ITERS, random_state=0).fit(U)
    wall, cpu = race(fns, args.repeats)
    best = cpu if args.threads == 1 else wall
    labels, _ = ref.spherical_kmeans(X, K, iters=ITERS, seed=0)
    print(f"   {'':<11}{'wall ms':>9}{'CPU ms':>9} {'rounds':>7} {'mean cos to center':>19} {'NMI with truth':>15}")
    print(f"   {'reference':<11}{wall['reference'] * 1e3:9.1f}{cpu['reference'] * 1e3:9.1f} {rounds(ref, X, labels):>7} "
          f"{mean_cosine_to_centers(U, labels):19.4f} {ref.nmi(labels, truth):15.4f}")
    kmeans_met = None
    if sklearn is not None:
        model = fns["sklearn"]()
        theirs = model.labels_
        print(f"   {'sklearn':<11}{wall['sklearn'] * 1e3:9.1f}{cpu['sklearn'] * 1e3:9.1f} {model.n_iter_:>7} "
              f"{mean_cosine_to_centers(U, theirs):19.4f} {ref.nmi(theirs, truth):15.4f}")
        print(f"   agreement of the two labelings: NMI {ref.nmi(labels, theirs):.4f}, adjusted Rand index "
              f"{adjusted_rand_score(labels, theirs):.4f}; reference / sklearn "
              f"{'CPU' if args.threads == 1 else 'wall'} time {best['reference'] / best['sklearn']:.2f}")
        kmeans_met = best["reference"] <= best["sklearn"]

    print("\n2. Silhouette with cosine distances, the reference's labels")
    fns = {"reference": lambda: ref.silhouette(X, labels)}
    if sklearn is not None:
        fns["sklearn"] = lambda: silhouette_score(X, labels, metric="cosine")
    wall, cpu = race(fns, args.repeats)
    best = cpu if args.threads == 1 else wall
    ours = ref.silhouette(X, labels)
    print(f"   {'':<11}{'wall ms':>9}{'CPU ms':>9}   silhouette")
    print(f"   {'reference':<11}{wall['reference'] * 1e3:9.1f}{cpu['reference'] * 1e3:9.1f}   {ours:.6f}")
    silhouette_met = None
    if sklearn is not None:
        theirs = float(silhouette_score(X, labels, metric="cosine"))
        print(f"   {'sklearn':<11}{wall['sklearn'] * 1e3:9.1f}{cpu['sklearn'] * 1e3:9.1f}   {theirs:.6f}   "
              f"difference {abs(ours - theirs):.1e}; reference / sklearn time {best['reference'] / best['sklearn']:.4f}")
        silhouette_met = best["reference"] <= best["sklearn"]

    print("\nTargets")
    for what, met in (("spherical_kmeans no slower than scikit-learn's KMeans", kmeans_met),
                      ("silhouette no slower than scikit-learn's silhouette_score", silhouette_met)):
        verdict = "not measured (scikit-learn is not installed)" if met is None else ("met" if met else "MISSED")
        print(f"   {what:<60}{verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
