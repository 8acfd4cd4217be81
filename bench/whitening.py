"""How fast are the reference whitening and mean_cosine? A script, not a test:

    python bench/whitening.py
    python bench/whitening.py --repeats 9

1. Whitening: fit_whitening + apply_whitening (solutions/whitening.py) on the same data as
   scikit-learn's PCA(whiten=True).fit(X).transform(X), where scikit-learn is installed (it is
   never a dependency of the katas). The data are anisotropic: an offset plus a random rotation
   of coordinates whose spreads fall from 3 to 0.1. Both outputs should have identity covariance
   (the reference's only up to its eps = 1e-8, a relative 1e-6 at the smallest variance here).
2. mean_cosine (solutions/collapse.py) against the n x n approach: unit rows, the full matrix
   U @ U.T, the mean of its off-diagonal entries; at sizes where that matrix still fits.
3. mean_cosine alone on 2 x 10^5 rows of 256.

Targets: whitening no slower than scikit-learn; mean_cosine on 2e5 x 256 under 1 s. Every figure
is the best of several repeats, the contenders run in turn within each repeat so that a busy
moment of the machine slows all of them rather than one. numpy uses all its BLAS threads.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
WHITENING_SIZES = ((20000, 256), (100000, 128))
MATRIX_SIZES = (2000, 5000, 10000)
COSINE_DIM = 256
LARGE = 200_000
IDENTITY = 1e-5   # eps = 1e-8 over the smallest variance, 0.01, leaves the reference 1e-6 from I


def load_reference(name):
    spec = importlib.util.spec_from_file_location(f"{name}_reference", ROOT / "solutions" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def race(fns: dict, repeats: int) -> dict:
    """Best wall time of each function, run in turn within every repeat."""
    for fn in fns.values():
        fn()  # warm up: page in the memory, start the thread pools
    best = dict.fromkeys(fns, float("inf"))
    for _ in range(repeats):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def anisotropic(rng, n, d):
    """offset + z diag(spreads) Q: spreads from 3 down to 0.1, Q a random rotation."""
    Q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    return 2.0 + (rng.normal(size=(n, d)) * np.geomspace(3.0, 0.1, d)) @ Q


def off_identity(Z):
    """Largest |C - I| over the entries of the covariance C of Z."""
    C = np.cov(Z, rowvar=False)
    return float(np.abs(C - np.eye(len(C))).max())


def matrix_mean_cosine(X):
    """The n x n way: unit rows, all their dot products, the mean off the diagonal."""
    U = X / np.linalg.norm(X, axis=1, keepdims=True)
    S = U @ U.T
    n = len(X)
    return float((S.sum() - np.trace(S)) / (n * (n - 1)))


def bench_whitening(ref, rng, repeats):
    try:
        from sklearn import __version__ as sklearn_version
        from sklearn.decomposition import PCA
    except ImportError:
        print("scikit-learn is not installed (pip install scikit-learn to compare): the reference alone.\n")
        PCA = None
    print("1. Whitening, fit + apply on the same X: reference"
          + (f" vs scikit-learn {sklearn_version} PCA(whiten=True).fit(X).transform(X)" if PCA else ""))
    head = f"   {'n x d':>13} {'reference ms':>13} {'max |C - I|':>12}"
    if PCA:
        head += f" {'sklearn ms':>11} {'max |C - I|':>12} {'ref / sklearn':>14}"
    print(head)
    met, identity = True, True
    for n, d in WHITENING_SIZES:
        X = anisotropic(rng, n, d)

        def reference(X=X):
            mu, W = ref.fit_whitening(X)
            return ref.apply_whitening(X, mu, W)

        fns = {"reference": reference}
        if PCA:
            fns["sklearn"] = lambda X=X: PCA(whiten=True).fit(X).transform(X)
        best = race(fns, repeats)
        errors = {name: off_identity(fn()) for name, fn in fns.items()}
        identity &= max(errors.values()) < IDENTITY
        line = f"   {f'{n} x {d}':>13} {best['reference'] * 1e3:13.1f} {errors['reference']:12.1e}"
        if PCA:
            ratio = best["reference"] / best["sklearn"]
            met &= ratio <= 1.0
            line += f" {best['sklearn'] * 1e3:11.1f} {errors['sklearn']:12.1e} {ratio:14.2f}"
        print(line)
    print(f"   identity covariance (max |C - I| < {IDENTITY:g}) for {'both' if PCA else 'the reference'}: "
          f"{'yes' if identity else 'NO'}")
    return met if PCA else None


def bench_matrix(col, rng, repeats):
    print(f"\n2. mean_cosine, d = {COSINE_DIM}: reference O(n d) vs the n x n matrix")
    print(f"   {'n':>7} {'reference ms':>13} {'n x n ms':>10} {'speed-up':>9} {'|difference|':>13}")
    for n in MATRIX_SIZES:
        X = rng.normal(size=(n, COSINE_DIM)) + 0.3
        best = race({"reference": lambda X=X: col.mean_cosine(X), "matrix": lambda X=X: matrix_mean_cosine(X)},
                    repeats)
        diff = abs(col.mean_cosine(X) - matrix_mean_cosine(X))
        print(f"   {n:>7} {best['reference'] * 1e3:13.2f} {best['matrix'] * 1e3:10.1f} "
              f"{best['matrix'] / best['reference']:8.0f}x {diff:13.1e}")


def bench_large(col, rng, repeats):
    X = rng.normal(size=(LARGE, COSINE_DIM)) + 0.3
    best = race({"reference": lambda: col.mean_cosine(X)}, repeats)["reference"]
    print(f"\n3. mean_cosine on {LARGE} x {COSINE_DIM} ({X.nbytes / 2**20:.0f} MiB): {best * 1e3:.0f} ms "
          f"(the n x n matrix would take {LARGE**2 * 8 / 2**30:.0f} GiB)")
    return best


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=5, help="timed runs per figure; the best counts")
    args = p.parse_args(argv)
    rng = np.random.default_rng(0)
    print(f"numpy {np.__version__}, {os.cpu_count()} CPUs, float64, best of {args.repeats}\n")

    whitening_met = bench_whitening(load_reference("whitening"), rng, args.repeats)
    col = load_reference("collapse")
    bench_matrix(col, rng, args.repeats)
    large = bench_large(col, rng, args.repeats)

    print("\nTargets")
    if whitening_met is None:
        verdict = "not measured (scikit-learn is not installed)"
    else:
        verdict = "met" if whitening_met else "MISSED"
    print(f"   {'whitening no slower than scikit-learn':<42}{verdict}")
    print(f"   {f'mean_cosine on {LARGE} x {COSINE_DIM} under 1 s':<42}"
          f"{'met' if large < 1.0 else 'MISSED'} ({large:.2f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
