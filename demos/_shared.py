"""Shared by the whitening and collapse demos: real word vectors, and a picture of spectra.

Not a demo itself (the leading underscore keeps it out of --demo); the demos import it by path.

The vectors are SGNS word vectors of the documentation that ships with Python (demos/corpus.py),
trained by kata 3's train_sgns, the learner's own or the reference: one pass with twice the
corpus's learning rate, enough for sensible neighbours in a few seconds.
"""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import numpy as np

VOCAB, DIM, EPOCHS, LR = 2000, 50, 1, 0.1
NEEDED_OF_KATA_3 = ("build_vocab", "encode", "train_sgns")  # what word_vectors calls


def _import(name):
    spec = importlib.util.spec_from_file_location(f"_demo_{name}", Path(__file__).with_name(f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def word_vectors(load):
    """(words, W): the VOCAB most frequent words, most frequent first, and their SGNS vectors."""
    corpus = _import("corpus")
    progress = _import("_progress")
    start = time.perf_counter()
    label = "reading the corpus" if corpus.cached() else "collecting the corpus (first run; cached in demos/.cache)"
    with progress.step(label):
        corpus.sentences(verbose=False)
    with progress.step(f"training SGNS word vectors with kata 3's train_sgns, {EPOCHS} epoch"):
        words, W = corpus.sgns_vectors(load, dim=DIM, vocab=VOCAB, epochs=EPOCHS, lr=LR)
    W = np.asarray(W, dtype=np.float64)
    print(f"\nWord vectors: SGNS by train_sgns (kata 3) on the documentation that ships with Python,\n"
          f"the {len(words)} most frequent words, {W.shape[1]} dimensions, {EPOCHS} epoch "
          f"({time.perf_counter() - start:.1f} s).\n")
    return list(words), W


def unit(X):
    """Rows scaled to unit length (zero rows stay zero)."""
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    return X / np.where(norms > 0, norms, 1.0)


def save_spectra(spectra: dict, path: str, title: str):
    """One line per named spectrum (eigenvalues, descending) on a log scale. Zeros, and rounding
    noise below 1e-15 of the largest eigenvalue, are left out: a log axis has no room for them."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("\nNo picture: matplotlib is not installed (pip install matplotlib).")
        return
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for (name, values), marker in zip(spectra.items(), "osD^v<>"):
        values = np.asarray(values)
        rank = np.arange(1, len(values) + 1)
        kept = values > 1e-15 * values.max()
        ax.plot(rank[kept], values[kept], marker=marker, markersize=4, fillstyle="none", label=name)
    ax.set_yscale("log")
    ax.set_xlabel("principal direction (by decreasing variance)")
    ax.set_ylabel("variance (covariance eigenvalue)")
    ax.set_title(title)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    print(f"\nSaved {Path(path).resolve()}")


def print_table(header, rows):
    """Left-aligned columns, two spaces in front, three between."""
    widths = [max(len(str(r[k])) for r in [header, *rows]) for k in range(len(header))]
    for r in [header, *rows]:
        print("  " + "   ".join(f"{cell!s:<{w}}" for cell, w in zip(r, widths)).rstrip())
