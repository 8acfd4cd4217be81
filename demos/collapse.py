"""Demo of kata 6: your diagnose on real word vectors and on three kinds of failure built from them.

    python grader.py --demo collapse               your functions (katas/collapse.py)
    python grader.py --demo collapse --solutions   the reference
    python grader.py --demo collapse --plot        also save demo-collapse.png (needs matplotlib)

Five sets of the same shape, n words x 50 dimensions:

  * healthy: isotropic Gaussian data;
  * anisotropic: SGNS word vectors trained with kata 3's train_sgns on the documentation that
    ships with Python (demos/_shared.py), which share a common direction;
  * the same vectors centered (the mean row subtracted);
  * dimensional collapse: the same vectors projected onto their top RANK principal directions
    (the mean kept), plus noise of 1e-6;
  * complete collapse: one word's vector repeated n times, plus noise of 1e-6.

Each goes through your diagnose; then the leading eigenvalues of your covariance_spectrum,
drawn as bars on a log axis.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

_spec = importlib.util.spec_from_file_location("_demo_shared", Path(__file__).with_name("_shared.py"))
_shared = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_shared)

NEEDS = {"collapse": ("covariance_spectrum", "diagnose"), "cooccurrence": _shared.NEEDED_OF_KATA_3}
RANK = 3          # directions the dimensionally collapsed set keeps
NOISE = 1e-6
LEADING = 6       # eigenvalues drawn per set
BAR = 44          # characters of the longest bar


def make_sets(W, rng):
    n, d = W.shape
    mu = W.mean(axis=0)
    _, _, Vt = np.linalg.svd(W - mu, full_matrices=False)
    top = Vt[:RANK].T
    return {
        "Gaussian N(0, I)": rng.normal(size=(n, d)),
        "SGNS vectors": W,
        "SGNS, centered": W - mu,
        f"SGNS on {RANK} directions": mu + (W - mu) @ top @ top.T + NOISE * rng.normal(size=(n, d)),
        "one word n times": W[0] + NOISE * rng.normal(size=(n, d)),
    }


def log_bar(value, lo, hi):
    """'#'s for value on a log axis from 10**lo (one #) to 10**hi (BAR #s); '' for 0."""
    if value <= 0:
        return ""
    return "#" * (1 + round((np.log10(value) - lo) / (hi - lo) * (BAR - 1)))


def cell(report, key, spec):
    """report[key] formatted, or '-': the contract asks for status, effective_rank, mean_cosine and
    explained_variance only; rank_ratio and spread come with the kata's own diagnose."""
    value = report.get(key)
    if value is None:
        return "-"
    return format(float(value) + 0.0 if "e" in spec else round(float(value), 3) + 0.0, spec)


def run(load, plot=False) -> int:
    kata = load("collapse")
    _, W = _shared.word_vectors(load)
    sets = make_sets(W, np.random.default_rng(0))
    n, d = W.shape

    print(f"Your diagnose on {n} x {d} sets:\n")
    width = max(map(len, sets)) + 2
    print(f"  {'set':<{width}}{'status':<22}{'eff. rank':>10}{'rank ratio':>12}{'mean cos':>10}"
          f"{'spread':>10}   top 3 variance shares")
    for name, X in sets.items():
        report = kata.diagnose(X)
        top = " ".join(f"{v:4.0%}" for v in np.asarray(report["explained_variance"])[:3])
        print(f"  {name:<{width}}{report['status']:<22}{cell(report, 'effective_rank', '.1f'):>10}"
              f"{cell(report, 'rank_ratio', '.2f'):>12}{cell(report, 'mean_cosine', '.3f'):>10}"
              f"{cell(report, 'spread', '.1e'):>10}   {top}")

    shown = {name: np.asarray(kata.covariance_spectrum(X)) for name, X in sets.items() if name != "SGNS, centered"}
    leading = np.concatenate([s[:LEADING] for s in shown.values()])
    lo, hi = np.floor(np.log10(leading[leading > 0].min())), np.ceil(np.log10(leading.max()))
    print(f"\nLeading eigenvalues of your covariance_spectrum, log axis from 1e{lo:+03.0f} to 1e{hi:+03.0f}:")
    for name, spectrum in shown.items():
        print(f"\n  {name}")
        for k, value in enumerate(spectrum[:LEADING], 1):
            print(f"  {k:>4}  {value:8.1e}  {log_bar(value, lo, hi)}")

    print("\nEach verdict reads its own number: complete collapse a tiny spread (rows within 0.1 % of one\n"
          "point), dimensional collapse a low effective rank (a cliff in the spectrum), anisotropy a high\n"
          "mean cosine. The spectrum cannot show anisotropy: centering the SGNS vectors removes their\n"
          "common direction and leaves their spectrum exactly as it was (so it is not drawn twice).")
    if plot:
        _shared.save_spectra(shown, "demo-collapse.png", f"covariance spectra of {n} x {d} sets")
    return 0
