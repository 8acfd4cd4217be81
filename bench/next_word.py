"""How close is one epoch of the reference train_next_word to its matrix products? A script, not a test:

    python bench/next_word.py                      the demo's corpus and settings: V = 1001, d = 32
    python bench/next_word.py --vocab 4000 --dim 64 --batch 512 --repeats 5

Every batch of B windows costs three matrix products that no implementation can avoid: the
logits h @ W (B x d times d x V), and in the backward pass h.T @ G (d x B times B x V) and
G @ W.T (B x V times V x d). Their time over the batches of one epoch, run bare on arrays of the
same shapes and dtype (float32, as the reference trains) in the same run, is the bound; the
epoch's time over it is the ratio reported. The rest of an epoch is the softmax (a max, an exp, a
sum and a division over each B x V block of logits), the gather and the scatter-add of the rows
of E, and the steps. The second bound adds one bare exp per block of logits, the least of that
rest. The corpus is the demos' (CPython's docstrings and help topics, demos/corpus.py), its
VOCAB most frequent words plus the padding. Every figure is the best of several repeats, each
repeat timing all of them in turn.

numpy runs on one core unless OPENBLAS_NUM_THREADS says otherwise, and the figures are CPU times,
so that a busy machine does not distort them. Target: an epoch within 2.5x of the matrix products
plus the exp (the softmax's other passes over the logits, the gather and the scatter-add are the
rest, and on small tables they cost about as much as the products).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from collections import Counter
from pathlib import Path

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")  # one core, so that the figures do not depend on the machine's load

import numpy as np  # noqa: E402  (after the thread settings, which it reads once)

ROOT = Path(__file__).resolve().parents[1]


def load_module(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def race(fns: dict, repeats: int) -> dict:
    """Best CPU time of each function (this process's, on one core: what a busy machine does to
    the clock does not count), all run in turn within every repeat, so that what the machine's
    load still does (shared caches) slows all of them rather than one."""
    for fn in fns.values():
        fn()  # warm up: page in the memory, start the thread pools
    best = dict.fromkeys(fns, float("inf"))
    for _ in range(repeats):
        for name, fn in fns.items():
            start = time.process_time()
            fn()
            best[name] = min(best[name], time.process_time() - start)
    return best


def batch_sizes(N: int, B: int) -> list:
    return [B] * (N // B) + ([N % B] if N % B else [])


def products(sizes, V, d, with_exp, rng):
    """The three matrix products of every batch (and one exp of its logits), bare."""
    W = rng.standard_normal((d, V)).astype(np.float32)
    blocks = {n: (rng.standard_normal((n, d)).astype(np.float32), rng.random((n, V), dtype=np.float32))
              for n in set(sizes)}
    out = {n: np.empty((n, V), np.float32) for n in set(sizes)}

    def run():
        for n in sizes:
            h, G = blocks[n]
            np.matmul(h, W, out=out[n])   # logits
            if with_exp:
                np.exp(out[n], out=out[n])
            h.T @ G                       # dW
            G @ W.T                       # dh
    return run


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--vocab", type=int, default=1000, help="most frequent words kept (default 1000, as the demo)")
    p.add_argument("--dim", type=int, default=32)
    p.add_argument("--context", type=int, default=3)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--repeats", type=int, default=3, help="timed runs of each figure; the best counts")
    args = p.parse_args(argv)

    print(f"numpy {np.__version__}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}\n")
    ref = load_module("next_word_reference", ROOT / "solutions" / "next_word.py")
    corpus = load_module("demo_corpus", ROOT / "demos" / "corpus.py")
    sentences = corpus.sentences()
    counts = Counter(w for s in sentences for w in s)
    words = [w for w, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:args.vocab]]
    index = {w: i for i, w in enumerate(words)}
    encoded = [np.array([index[w] for w in s if w in index], dtype=np.int64) for s in sentences]
    V, pad = len(words) + 1, len(words)
    N = sum(map(len, encoded))
    sizes = batch_sizes(N, args.batch)
    flops = 3 * 2 * N * args.dim * V

    print(f"One epoch of train_next_word on the demos' corpus: {N:,} windows of {args.context} words, "
          f"V = {V}, d = {args.dim},\nbatches of {args.batch} ({len(sizes)} batches); best of {args.repeats}.\n")
    rng = np.random.default_rng(0)
    best = race({
        "epoch": lambda: ref.train_next_word(encoded, V, pad, dim=args.dim, context=args.context, epochs=1,
                                             lr=10.0, batch_size=args.batch),
        "products": products(sizes, V, args.dim, False, rng),
        "products + exp": products(sizes, V, args.dim, True, rng),
    }, args.repeats)
    epoch = best["epoch"]
    print(f"   {'':<38} {'CPU s':>8} {'epoch / this':>13}")
    print(f"   {'one epoch (train_next_word, epochs=1)':<38} {epoch:>8.2f} {1.0:>13.2f}")
    print(f"   {'3 matrix products per batch':<38} {best['products']:>8.2f} {epoch / best['products']:>13.2f}"
          f"   ({flops / best['products'] / 1e9:.0f} GFLOP/s)")
    print(f"   {'the products and one exp of the logits':<38} {best['products + exp']:>8.2f} "
          f"{epoch / best['products + exp']:>13.2f}")
    print(f"\n   {N / epoch:,.0f} windows per CPU second. Target: epoch / (products + exp) <= 2.5: "
          f"{'yes' if epoch / best['products + exp'] <= 2.5 else 'no'}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
