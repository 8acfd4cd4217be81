"""Demo of kata 7: Matryoshka training keeps short prefixes useful, and funnel search uses them.

    python grader.py --demo matryoshka               your functions (katas/matryoshka.py)
    python grader.py --demo matryoshka --solutions   the reference
    python grader.py --demo matryoshka --plot        also save demo-matryoshka.png (needs matplotlib)

The InfoNCE demo's data and encoder (demos/_encoders.py): two noisy views of each latent point,
seen through a fixed random map into 32 dimensions, and a linear encoder z = x @ W (32 -> 16).
Here the latent has 16 dimensions whose spread decays (coordinate j has spread 2 * 0.85^j: as in
most real data, a few directions carry most of the variance), and the noise is 0.25. The encoder
is trained twice from the same start, on the same batches, through your matryoshka_info_nce:

  * plain: dims = [16], which is kata 4's InfoNCE on the whole vector;
  * Matryoshka: dims = [2, 4, 8, 16], each prefix weighted 1/4 (the mean of the four InfoNCE
    losses, so both runs use the same learning rate).

Then, on held-out pairs, each x1 looks for its own x2 by the cosine of the first m columns (your
truncate), scored with your recall_at_k; and your funnel_search looks through a larger key set
with a short prefix first, next to a full search (funnel_search with coarse_dim = 16 = d and
shortlist = k, which ranks every key by its full cosine). The multiply-adds per query count the
cosines only: n * coarse_dim for the coarse pass, shortlist * d for the re-ranking.
"""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import numpy as np

_spec = importlib.util.spec_from_file_location("_demo_encoders", Path(__file__).with_name("_encoders.py"))
_encoders = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_encoders)

_progress_spec = importlib.util.spec_from_file_location("_demo_progress", Path(__file__).with_name("_progress.py"))
_progress = importlib.util.module_from_spec(_progress_spec)
_progress_spec.loader.exec_module(_progress)
step = _progress.step

NEEDS = {"matryoshka": ("truncate", "matryoshka_info_nce", "funnel_search", "recall_at_k")}
DIM, OUT, TEMPERATURE = _encoders.DIM, _encoders.OUT, _encoders.TEMPERATURE
LATENT, SCALE, DECAY, NOISE = 16, 2.0, 0.85, 0.25
DIMS = [2, 4, 8, 16]
N_HELD_OUT = 1000                   # held-out pairs for the prefix table
N_KEYS, N_QUERIES, K = 20000, 200, 10
FUNNELS = ((OUT, K), (8, 100), (4, 100), (4, 400))   # (coarse_dim, shortlist)
REPEATS = 5
RACE_SECONDS = 2.0  # the timing repeats stop once they took this long (after two at least)


def prefix_retrieval(kata, queries, keys, m, k):
    """Indices of the k keys whose first m columns have the highest cosine with each query's."""
    scores = kata.truncate(queries, m) @ kata.truncate(keys, m).T
    top = np.argpartition(-scores, k - 1, axis=1)[:, :k]  # the best k of each row, in no order
    order = np.argsort(-np.take_along_axis(scores, top, axis=1), axis=1, kind="stable")
    return np.take_along_axis(top, order, axis=1)          # best first


def race(searches, repeats=REPEATS, seconds=RACE_SECONDS):
    """(results, best wall time in seconds of each search, repeats run): every repeat runs all the
    searches in turn, so that a busy moment of the machine slows all of them rather than one; the
    repeats stop early once they took `seconds` (slow searches are timed fewer times)."""
    results, best = [None] * len(searches), [float("inf")] * len(searches)
    began = time.perf_counter()
    for done in range(1, repeats + 1):
        for i, search in enumerate(searches):
            start = time.perf_counter()
            results[i] = search()
            best[i] = min(best[i], time.perf_counter() - start)
        if done >= 2 and time.perf_counter() - began > seconds:
            break
    return results, best, done


def run(load, plot=False) -> int:
    kata = load("matryoshka")
    spread = SCALE * DECAY ** np.arange(LATENT)
    data = _encoders.setup(latent=LATENT, noise=NOISE, spread=spread, n_test=N_HELD_OUT)
    weights = [1.0 / len(DIMS)] * len(DIMS)
    runs = {
        "plain": lambda z1, z2: kata.matryoshka_info_nce(z1, z2, [OUT], TEMPERATURE),
        "Matryoshka": lambda z1, z2: kata.matryoshka_info_nce(z1, z2, DIMS, TEMPERATURE, weights),
    }
    encoders = {}
    for name, loss in runs.items():
        with step(f"training the {name} encoder (your matryoshka_info_nce), {_encoders.EPOCHS} epochs"):
            encoders[name] = _encoders.train(loss, data["W0"], data["train_views"], np.random.default_rng(1))[0]
    print()

    print(f"Linear encoder {DIM} -> {OUT}, trained twice from the same start on two noisy views of "
          f"{_encoders.N_TRAIN} points")
    print(f"({LATENT}-d latent, spread {SCALE:g} * {DECAY:g}^j), SGD lr {_encoders.LR:g}, "
          f"batch {_encoders.BATCH}, {_encoders.EPOCHS} epochs, temperature {TEMPERATURE:g}:")
    print(f"plain InfoNCE (dims [{OUT}]) and Matryoshka (dims {DIMS}, weight 1/{len(DIMS)} each).\n")

    t1, t2 = data["test_views"]
    targets = np.arange(N_HELD_OUT)
    recalls = {}  # (encoder, m, k) -> recall
    for name, W in encoders.items():
        q, keys = t1 @ W, t2 @ W
        for m in DIMS:
            top = prefix_retrieval(kata, q, keys, m, K)
            for k in (1, K):
                recalls[name, m, k] = kata.recall_at_k(top[:, :k], targets)

    print(f"{N_HELD_OUT} held-out pairs: x1 looks for its own x2 by the cosine of the first m columns "
          "(your truncate).")
    names = list(encoders)
    head = "".join(f"{name:>12}" for name in names)
    print(f"{'':>4}  {'recall@1':^24}  {f'recall@{K}':^24}".rstrip())
    print(f"{'m':>4}  {head}  {head}")
    for m in DIMS:
        cells = ["".join(f"{recalls[name, m, k]:12.3f}" for name in names) for k in (1, K)]
        print(f"{m:>4}  {cells[0]}  {cells[1]}")

    # A larger key set: fresh pairs of the same data; the first N_QUERIES x1 are the queries.
    x1, x2 = _encoders.make_views(data["rng"], N_KEYS, data["mix"], data["offset"], NOISE, data["spread"])
    targets = np.arange(N_QUERIES)
    recall, seconds, repeats = {}, None, REPEATS
    for name, W in encoders.items():
        queries, keys = x1[:N_QUERIES] @ W, x2 @ W
        searches = [lambda c=c, s=s: kata.funnel_search(queries, keys, K, c, s) for c, s in FUNNELS]
        with step(f"funnel searches, {name} encoder"
                  + (f" (each timed, best of up to {REPEATS})" if name == "Matryoshka" else "")):
            if name == "Matryoshka":
                found, seconds, repeats = race(searches)
            else:
                found = [search() for search in searches]
        for row, retrieved in zip(FUNNELS, found):
            recall[name, row] = kata.recall_at_k(retrieved, targets)
    rows = []
    for (coarse, shortlist), time_taken in zip(FUNNELS, seconds):
        # per query: coarse cosines with every key, then full cosines with the shortlist
        work = N_KEYS * coarse + (shortlist * OUT if coarse < OUT else 0)
        rows.append((coarse, shortlist, work, {n: recall[n, (coarse, shortlist)] for n in names}, time_taken))

    print(f"\nFunnel search: {N_QUERIES} queries among {N_KEYS} keys (fresh pairs), k = {K}, "
          "your funnel_search and recall_at_k;")
    print(f"time: the Matryoshka encoder's search, best of {repeats}, with time.perf_counter.")
    print(f"{'search':<30}{'mult-adds/query':>16}  {f'recall@{K}':^24}{'time':>11}")
    print(f"{'':<46}  {head}")
    for coarse, shortlist, work, row_recall, row_time in rows:
        label = (f"full cosine, {OUT} columns" if coarse == OUT
                 else f"funnel {coarse} -> {OUT}, shortlist {shortlist}")
        cells = "".join(f"{row_recall[name]:12.3f}" for name in names)
        print(f"{label:<30}{work:>16,}  {cells}{row_time * 1e3:>8.0f} ms")

    ratios = [r[4] / rows[0][4] for r in rows[1:]]
    print(f"\nPlain InfoNCE spreads what it learns over all {OUT} columns, in whatever rotation training found,")
    print("so a prefix keeps a part of everything; the Matryoshka loss makes every prefix work on its own.")
    print("A funnel's prefix only has to get the right key into the shortlist. It saves multiply-adds, but with")
    print(f"d = {OUT} most of the time goes into picking the best of {N_KEYS} keys, which a funnel does too:")
    print(f"here a funnel took {min(ratios):.2f} to {max(ratios):.2f} times as long as the full search.")

    if plot:
        _plot(recalls, names)
    return 0


def _plot(recalls, names):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("No picture: matplotlib is not installed (pip install matplotlib).")
        return
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.5), sharey=True)
    for ax, k in zip(axes, (1, K)):
        for name, marker in zip(names, "os"):
            ax.plot(DIMS, [recalls[name, m, k] for m in DIMS], marker=marker, label=name)
        ax.set_xscale("log", base=2)
        ax.set_xticks(DIMS, [str(m) for m in DIMS])
        ax.set_xlabel("prefix size m (columns)")
        ax.set_title(f"recall@{k}, {N_HELD_OUT} held-out pairs")
    axes[0].set_ylabel("recall")
    axes[0].legend()
    fig.tight_layout()
    fig.savefig("demo-matryoshka.png", dpi=120)
    print("Saved demo-matryoshka.png")
