"""How fast, and how good, are the reference counts, PPMI-SVD and SGNS? A script, not a test:

    python bench/cooccurrence.py
    python bench/cooccurrence.py --dim 100 --window 5 --epochs 5 --min-count 5

1. Counting: tokens per second of cooccurrence_matrix against a plain Python counter of
   (w, c) pairs (collections.Counter), on the corpus of the demos (CPython's docstrings).
2. Embeddings: the whole PPMI-SVD pipeline (build_vocab, encode, counts, ppmi, svd_embeddings)
   and SGNS (build_vocab, encode, train_sgns), with gensim's Word2Vec (sg=1, negative=5,
   workers=1) where gensim is installed (it is never a dependency of the katas). The corpus is
   gensim's test corpus lee_background.cor, tokenized as the demos do; the score is the
   Spearman correlation between cosine similarity and the human judgements of wordsim353.tsv,
   on the pairs every model's vocabulary covers. Word2Vec runs twice: on the very pairs the
   reference sees (no subsampling, no shrinking window) and with its own defaults for those.
   Words per second: words of the corpus (in the vocabulary) times epochs, over wall time.
   Without gensim, both reference methods run on 60,000 words of the demos' corpus, unscored.

numpy runs on one core (as Word2Vec with workers=1) unless OPENBLAS_NUM_THREADS says otherwise.

Targets: PPMI-SVD scores higher than gensim on the same corpus in less time; SGNS trains at
least half as many words per second as gensim.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
import zlib
from collections import Counter
from pathlib import Path

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")  # one core for numpy, as for Word2Vec with workers=1

import numpy as np  # noqa: E402  (after the thread settings, which it reads once)

ROOT = Path(__file__).resolve().parents[1]


def load_module(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def best_time(fn, repeats):
    runs = [timed(fn) for _ in range(repeats)]
    return min(t for t, _ in runs), runs[-1][1]


def count_with_dict(encoded, window):
    """The same counts as cooccurrence_matrix (uniform weights), one pair at a time."""
    counts = Counter()
    for ids in encoded:
        ids = ids.tolist()
        for p, w in enumerate(ids):
            for q in range(max(0, p - window), min(len(ids), p + window + 1)):
                if q != p:
                    counts[w, ids[q]] += 1
    return counts


def as_matrix(counts, V):
    C = np.zeros((V, V))
    if counts:
        pairs = np.array(list(counts), dtype=np.intp)
        C[pairs[:, 0], pairs[:, 1]] = list(counts.values())
    return C


def spearman(x, y):
    """Spearman's rho: Pearson's correlation of the ranks, tied values sharing their mean rank."""
    def ranks(v):
        v = np.asarray(v, dtype=np.float64)
        r = np.empty(len(v))
        r[np.argsort(v, kind="stable")] = np.arange(len(v))
        _, group, size = np.unique(v, return_inverse=True, return_counts=True)
        return (np.bincount(group, weights=r) / size)[group]
    return float(np.corrcoef(ranks(x), ranks(y))[0, 1])


def similarity_score(vectors, index, pairs):
    """Spearman of cosine against human scores on the (a, b, score) pairs."""
    U = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    cosines = [U[index[a]] @ U[index[b]] for a, b, _ in pairs]
    return spearman(cosines, [s for _, _, s in pairs])


def counting(ref, corpus, repeats):
    sentences = corpus.sentences()
    words, _ = ref.build_vocab(sentences)
    words = words[:corpus.VOCAB]
    encoded = ref.encode(sentences, words)
    tokens = sum(map(len, encoded))
    print(f"1. Counting co-occurrences: the demos' corpus (CPython's docstrings and help topics), "
          f"{tokens:,} tokens\n   in a vocabulary of {len(words)} words; cooccurrence_matrix: best of {repeats}.\n")
    head = f"   {'window':>6}  {'cooccurrence_matrix':>20}  {'Counter, Python loop':>20}  {'ratio':>6}  same counts"
    print(head)
    for window in (2, 5):
        t_ref, C = best_time(lambda w=window: ref.cooccurrence_matrix(encoded, len(words), window=w), repeats)
        t_dict, counts = timed(lambda w=window: count_with_dict(encoded, w))
        same = np.array_equal(C, as_matrix(counts, len(words)))
        print(f"   {window:>6}  {tokens / t_ref / 1e6:>11.2f} M tok/s  {tokens / t_dict / 1e6:>11.2f} M tok/s  "
              f"{t_dict / t_ref:>5.0f}x  {'yes' if same else 'NO'}")


def gensim_runs(args):
    """{label: train(sentences) -> (words, vectors)} for Word2Vec, and a note on it."""
    try:
        import gensim
        from gensim.models import Word2Vec
    except ImportError:
        return {}, "gensim is not installed: pip install gensim to compare with Word2Vec on its test corpus."
    common = dict(vector_size=args.dim, window=args.window, epochs=args.epochs, sg=1, negative=5,
                  workers=1, min_count=1, alpha=args.lr, min_alpha=args.lr * 1e-4, seed=args.seed,
                  hashfxn=lambda text: zlib.crc32(text.encode()))  # repeatable starting vectors
    variants = {"gensim Word2Vec, same pairs": dict(sample=0, shrink_windows=False),
                "gensim Word2Vec, its defaults": dict(sample=1e-3, shrink_windows=True)}

    def trainer(extra):
        def train(sentences):
            wv = Word2Vec(sentences, **common, **extra).wv
            return list(wv.index_to_key), wv.vectors
        return train
    return {label: trainer(extra) for label, extra in variants.items()}, f"gensim {gensim.__version__}"


def shared_corpus(corpus):
    """(sentences, name, wordsim pairs or None): lee_background and wordsim353 where gensim is
    installed, else a slice of the demos' corpus of about the same size, with nothing to score."""
    try:
        from gensim.test.utils import datapath
    except ImportError:
        return corpus.sentences(max_tokens=60_000), "the first 60,000 words of the demos' corpus", None
    with open(datapath("lee_background.cor"), encoding="utf-8") as f:
        sentences = [s for s in corpus.tokenize(f.read()) if len(s) >= 2]
    with open(datapath("wordsim353.tsv"), encoding="utf-8") as f:
        rows = [line.rstrip("\n").split("\t") for line in f if not line.startswith("#")]
    return sentences, "lee_background.cor (gensim's test data)", [(a.lower(), b.lower(), float(s)) for a, b, s in rows]


def embeddings(ref, corpus, args):
    sentences, source, pairs = shared_corpus(corpus)

    def vocabulary():
        words, _ = ref.build_vocab(sentences, min_count=args.min_count)
        words = words[:args.max_vocab]
        return words, ref.encode(sentences, words)

    def ppmi_svd():
        words, encoded = vocabulary()
        C = ref.cooccurrence_matrix(encoded, len(words), window=args.window)
        return words, ref.svd_embeddings(ref.ppmi(C), args.dim)

    def sgns():
        words, encoded = vocabulary()
        W, _ = ref.train_sgns(encoded, len(words), dim=args.dim, window=args.window,
                              epochs=args.epochs, lr=args.lr, seed=args.seed)
        return words, W

    words, encoded = vocabulary()
    tokens = sum(map(len, encoded))
    kept = set(words)
    filtered = [[t for t in s if t in kept] for s in sentences]  # the same tokens for gensim
    others, note = gensim_runs(args)
    runs = {"PPMI-SVD (reference)": ppmi_svd, "SGNS (reference)": sgns,
            **{label: (lambda train=train: train(filtered)) for label, train in others.items()}}
    passes = {label: 1 if label.startswith("PPMI") else args.epochs for label in runs}

    trainers = "SGNS and Word2Vec" if others else "SGNS"
    print(f"\n2. Embeddings on {source}: {tokens:,} tokens in a vocabulary of {len(words):,} words\n"
          f"   (min_count {args.min_count}); dim {args.dim}, window {args.window}; {trainers}: "
          f"{args.epochs} epoch{'s' * (args.epochs > 1)}, 5 negatives, lr {args.lr:g}.\n"
          f"   Best of {args.runs} run{'s' * (args.runs > 1)}. {note}\n")
    seconds, vectors = dict.fromkeys(runs, float("inf")), {}
    for _ in range(args.runs):
        for label, run in runs.items():  # in turn, so that a busy moment slows all of them
            t, vectors[label] = timed(run)
            seconds[label] = min(seconds[label], t)

    covered = []
    if pairs:
        vocabularies = [set(w) for w, _ in vectors.values()]
        covered = [p for p in pairs if all(p[0] in v and p[1] in v for v in vocabularies)]
    head = f"   {'':<31} {'wall s':>7} {'words/s':>10}"
    if covered:
        head += f"  Spearman with wordsim353 ({len(covered)} of {len(pairs)} pairs)"
    print(head)
    speed, score = {}, {}
    for label, (w, E) in vectors.items():
        speed[label] = tokens * passes[label] / seconds[label]
        line = f"   {label:<31} {seconds[label]:>7.2f} {speed[label]:>10,.0f}"
        if covered:
            score[label] = similarity_score(np.asarray(E), {word: i for i, word in enumerate(w)}, covered)
            line += f"  {score[label]:>6.3f}"
        print(line)
    if covered:
        print(f"   With {len(covered)} pairs, the 95% interval of a rho near 0 is +-"
              f"{1.96 * np.sqrt(1.06 / (len(covered) - 3)):.2f}: smaller gaps are noise.")
    if not others:
        return

    print(f"\n   {'targets':<27}" + "".join(f"{'vs ' + label.split(', ')[1]:>20}" for label in others))
    ppmi, sg = "PPMI-SVD (reference)", "SGNS (reference)"
    checks = (
        ("PPMI-SVD scores higher", lambda o: "yes" if score[ppmi] > score[o] else "no"),
        ("PPMI-SVD takes less time", lambda o: f"{'yes' if seconds[ppmi] < seconds[o] else 'no'} "
                                               f"({seconds[ppmi] / seconds[o]:.1f}x)"),
        ("SGNS words/s >= 0.5x", lambda o: f"{'yes' if speed[sg] >= 0.5 * speed[o] else 'no'} "
                                           f"({speed[sg] / speed[o]:.2f}x)"),
    )
    for label, check in checks:
        print(f"   {label:<27}" + "".join(f"{check(o):>20}" for o in others))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dim", type=int, default=100)
    p.add_argument("--window", type=int, default=5)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--min-count", type=int, default=5)
    p.add_argument("--max-vocab", type=int, default=2000, help="at most this many words (the SVD is O(V^3))")
    p.add_argument("--lr", type=float, default=0.025)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--repeats", type=int, default=3, help="timed runs of cooccurrence_matrix; the best counts")
    p.add_argument("--runs", type=int, default=2, help="timed runs of each embedding method; the best counts")
    args = p.parse_args(argv)

    print(f"numpy {np.__version__}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs\n")
    ref = load_module("cooccurrence_reference", ROOT / "solutions" / "cooccurrence.py")
    corpus = load_module("demo_corpus", ROOT / "demos" / "corpus.py")
    counting(ref, corpus, args.repeats)
    embeddings(ref, corpus, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
