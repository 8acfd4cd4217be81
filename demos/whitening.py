"""Demo of kata 5: whitening real word vectors with your fit_whitening, apply_whitening and
remove_top_components.

    python grader.py --demo whitening               your functions (katas/whitening.py)
    python grader.py --demo whitening --solutions   the reference
    python grader.py --demo whitening --plot        also save demo-whitening.png (needs matplotlib)

The vectors are SGNS word vectors trained with kata 3's train_sgns on the documentation that ships
with Python (demos/_shared.py, demos/corpus.py). The statistics are fitted once, on the FIT most
frequent words (the vocabulary); the rarer words after them are held out, as queries would be.
Four versions of the vocabulary are compared by cosine: raw, PCA-whitened with every dimension,
PCA-whitened keeping the top TRUNCATE (BERT-whitening), and all-but-the-top (the TOP directions
of largest variance removed). For each: the mean cosine and the effective rank of the unit rows
(kata 6's functions, or the demo's own if kata 6 is not written yet), the biggest hub (how many of
the words' 5-nearest-neighbour lists the most common neighbour is in), and the nearest neighbours
of a few words.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

_spec = importlib.util.spec_from_file_location("_demo_shared", Path(__file__).with_name("_shared.py"))
_shared = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_shared)
unit = _shared.unit

NEEDS = {"whitening": ("fit_whitening", "apply_whitening", "remove_top_components"),
         "cooccurrence": _shared.NEEDED_OF_KATA_3}

FIT = 1600        # the vocabulary: the statistics are fitted on these words only
TRUNCATE = 20     # dimensions BERT-whitening keeps
TOP = 2           # directions all-but-the-top removes
NEIGHBOURS = 5
PROBES = ("list", "string", "file", "error", "socket", "read", "true")
HELD_OUT_PROBES = ("syntaxerror", "eoferror", "bzip", "sum", "divmod")


def _mean_cosine(X):
    U = unit(X)
    total = U.sum(axis=0)
    return float((total @ total - np.sum(U * U)) / (len(U) * (len(U) - 1)))


def _effective_rank(X):
    s = np.linalg.svd(X - X.mean(axis=0), compute_uv=False)
    p = s[s > 0] / s.sum()
    return float(np.exp(-np.sum(p * np.log(p)))) if p.size else 0.0


def measures(load):
    """(mean_cosine, effective_rank, whose): kata 6's functions if they are written, else the demo's."""
    try:
        kata = load("collapse")
        kata.mean_cosine(np.eye(2))
        kata.effective_rank(np.eye(2))
        return kata.mean_cosine, kata.effective_rank, "kata 6's mean_cosine and effective_rank"
    except (NotImplementedError, SystemExit):
        return _mean_cosine, _effective_rank, "the demo's own numpy (kata 6 is not finished)"


def neighbours(U, index, word, n=NEIGHBOURS, keys=None):
    """The n words whose rows of keys (default U itself) have the highest cosine with U[word]."""
    keys = U if keys is None else keys
    scores = keys @ U[index[word]]
    if keys is U:
        scores[index[word]] = -np.inf
    return np.argsort(-scores)[:n]


def biggest_hub(U, n=NEIGHBOURS):
    """How many rows have the most common neighbour among their n nearest (by cosine)."""
    S = U @ U.T
    np.fill_diagonal(S, -np.inf)
    lists = np.argpartition(-S, n, axis=1)[:, :n]
    return int(np.bincount(lists.ravel(), minlength=len(U)).max())


def spectrum(X):
    """Covariance eigenvalues, descending."""
    return np.clip(np.linalg.eigvalsh(np.cov(X, rowvar=False))[::-1], 0.0, None)


def run(load, plot=False) -> int:
    kata = load("whitening")
    mean_cosine, effective_rank, whose = measures(load)
    words, W = _shared.word_vectors(load)
    fit, held = W[:FIT], W[FIT:]
    index = {w: i for i, w in enumerate(words[:FIT])}

    RAW, WHITE, TRUNC, ABTT = "raw", "whitened", f"whitened, dim={TRUNCATE}", f"top {TOP} removed"
    mu, W_all = kata.fit_whitening(fit)
    mu_k, W_k = kata.fit_whitening(fit, dim=TRUNCATE)
    versions = {  # as they come out, for the covariances and the picture
        RAW: fit,
        WHITE: kata.apply_whitening(fit, mu, W_all),
        TRUNC: kata.apply_whitening(fit, mu_k, W_k),
        ABTT: kata.remove_top_components(fit, TOP),
    }
    units = {  # as they are searched: unit rows
        RAW: unit(fit),
        WHITE: kata.apply_whitening(fit, mu, W_all, normalize=True),
        TRUNC: kata.apply_whitening(fit, mu_k, W_k, normalize=True),
        ABTT: unit(versions[ABTT]),
    }

    print(f"Fitted on the {FIT} most frequent words; unit rows measured with {whose}.\n")
    width = max(map(len, versions)) + 2
    print(f"  {'vocabulary':<{width}}{'dims':>5}{'mean cosine':>13}{'effective rank':>16}{'biggest hub':>13}")
    for name, U in units.items():
        print(f"  {name:<{width}}{U.shape[1]:>5}{round(mean_cosine(U), 3) + 0.0:>13.3f}"
              f"{effective_rank(U):>16.1f}{biggest_hub(U):>13}")
    s = spectrum(fit)
    print("\n  Covariance C of the whitened vocabulary (normalize=False): the identity up to eps = 1e-8,")
    print("  exactly diag(s / (s + eps)) in theory, furthest from I at the smallest variance s kept:")
    for name, k in ((WHITE, len(s)), (TRUNC, TRUNCATE)):
        C = np.cov(versions[name], rowvar=False)
        print(f"  {name:<{width}}largest |C - I| = {np.abs(C - np.eye(len(C))).max():.1e}   "
              f"eps / (s + eps) = {1e-8 / (s[k - 1] + 1e-8):.1e}")

    print(f"\nNearest neighbours by cosine, among the {FIT} words:\n")
    for word in (w for w in PROBES if w in index):
        for k, (name, U) in enumerate(units.items()):
            found = " ".join(words[i] for i in neighbours(U, index, word))
            print(f"  {word if k == 0 else '':<9}{name:<{width}}{found}")

    # fit once, reuse: the held-out words are mapped with the vocabulary's mu and W, never refitted
    queries = kata.apply_whitening(held, mu_k, W_k, normalize=True)
    one_by_one = np.vstack([kata.apply_whitening(row[None], mu_k, W_k, normalize=True) for row in held])
    print(f"\nFit once, reuse for queries: the {len(held)} next words (ranks {FIT + 1}-{len(words)}) "
          f"were not in the fit.\nThey are mapped with the vocabulary's mu and W ({TRUNC}); one at a "
          f"time or all at once,\nthe results agree to {np.abs(queries - one_by_one).max():.1e}.\n")
    print(f"  {'held-out words':<{width}}{'mean cosine':>13}{'effective rank':>16}")
    for name, U in ((RAW, unit(held)), (TRUNC, queries)):
        print(f"  {name:<{width}}{round(mean_cosine(U), 3) + 0.0:>13.3f}{effective_rank(U):>16.1f}")
    held_index = {w: i for i, w in enumerate(words[FIT:])}
    probes = [w for w in HELD_OUT_PROBES if w in held_index] or words[FIT:FIT + 3]
    rows = [[word, *(" ".join(words[i] for i in neighbours(Q, held_index, word, n=4, keys=units[name]))
                     for name, Q in ((RAW, unit(held)), (TRUNC, queries)))]
            for word in probes]
    print("\n  Nearest vocabulary words of a few held-out ones:\n")
    _shared.print_table(["query", RAW, TRUNC], rows)
    print("\nRaw, the vectors share a common direction: unrelated words have a high cosine, hubs crowd the\n"
          "neighbour lists. Whitening removes it and gives every direction variance 1, the noisiest too, so\n"
          "truncating (or removing only the top directions) usually keeps neighbours cleaner. Fit once, reuse.")
    if plot:
        _shared.save_spectra({name: spectrum(X) for name, X in versions.items()}, "demo-whitening.png",
                             f"covariance spectrum of {FIT} SGNS word vectors, before and after")
    return 0
