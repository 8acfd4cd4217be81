"""Demo of kata 10: recommending imports to the modules of Python's own standard library.

    python grader.py --demo recommender               your functions (katas/recommender.py)
    python grader.py --demo recommender --solutions   the reference
    python grader.py --demo recommender --plot        also save demo-recommender.png (needs matplotlib)

The data ships with every Python: the import graph of the standard library, read with ast from
its source folder (demos/_imports.py). A module is a user, and the modules it imports are the
items it interacted with: implicit feedback, positives only. Your leave_one_out holds out one
import of every module that has two or more, train_bpr learns a vector per module and per
imported module from the rest, and recommend ranks, for each module, the modules it does not
import yet. hit_rate and ndcg_at_k then score how often the held-out import is in the top 10,
against the popularity baseline (recommend everyone the most imported modules: sys, os, re...).
"""

from __future__ import annotations

import importlib.util
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np

NEEDS = {"recommender": ("leave_one_out", "train_bpr", "recommend", "hit_rate", "ndcg_at_k")}  # (grading/demos.py)

K = 10
DIM, EPOCHS, LR, REG, BATCH = 32, 40, 0.05, 0.01, 256
EXAMPLES = ("asyncio.tasks", "asyncio.taskgroups", "concurrent.futures.process", "http.cookiejar",
            "multiprocessing.managers", "email.utils")
NEIGHBOURS = ("socket", "threading", "asyncio.events", "xml.dom", "email.message")
PICTURE_PACKAGES = ("asyncio", "email", "multiprocessing", "xml", "importlib", "distutils", "concurrent")


def load_imports():
    spec = importlib.util.spec_from_file_location("_demo_imports", Path(__file__).with_name("_imports.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextmanager
def step(label):
    print(f"  {label} ...", end=" ", flush=True)
    start = time.perf_counter()
    yield
    print(f"{time.perf_counter() - start:.1f} s")


def print_table(header, rows):
    widths = [max(len(str(r[k])) for r in [header, *rows]) for k in range(len(header))]
    for r in [header, *rows]:
        print("  " + "   ".join(f"{str(cell):<{w}}" for cell, w in zip(r, widths)).rstrip())


def run(load, plot=False) -> int:
    kata = load("recommender")
    imports = load_imports()
    print("Kata 10 on real data: which modules should a module of the standard library import?\n")

    if imports.cached():
        with step("reading the import graph"):
            modules, items, pairs = imports.graph(verbose=False)
    else:
        modules, items, pairs = imports.graph(verbose=True)  # a few seconds, with its own progress
    n_users, n_items = len(modules), len(items)
    with step("leave_one_out"):
        train, test = kata.leave_one_out(pairs, n_users, seed=0)
        train, test = np.asarray(train), np.asarray(test)
    with step(f"train_bpr: {DIM} dimensions, {EPOCHS} epochs"):
        U, V, losses = kata.train_bpr(train, n_users, n_items, dim=DIM, epochs=EPOCHS, lr=LR, reg=REG,
                                      batch_size=BATCH, seed=0)
        U, V, losses = np.asarray(U), np.asarray(V), np.asarray(losses)

    # A module is never recommended to itself, nor an import it already has.
    item_id = {name: j for j, name in enumerate(items)}
    itself = np.array([(u, item_id[m]) for u, m in enumerate(modules) if m in item_id], dtype=np.int64)
    exclude = np.concatenate([train, itself.reshape(-1, 2)])
    users = np.unique(test[:, 0])
    counts = np.bincount(train[:, 1], minlength=n_items).astype(np.float64)
    with step("recommend, popularity and BPR"):
        # popularity is a dot product too: one constant user vector, and the counts as item "vectors"
        popular = kata.recommend(np.ones((n_users, 1)), counts[:, None], users, K, exclude=exclude)
        bpr = kata.recommend(U, V, users, K, exclude=exclude)

    per_user = np.bincount(pairs[:, 0], minlength=n_users)
    print(f"\n{len(pairs):,} imports of {n_users} modules among {n_items} imported ones (built-in modules "
          f"such as sys and\nitertools are items only). {len(users)} modules import 2 or more and hold one "
          f"out; the other\n{int(np.sum(per_user == 1))} keep their single import in train. BPR loss by "
          f"epoch: {', '.join(f'{x:.3f}' for x in losses[:3])}, ..., {losses[-1]:.3f}.")

    left = n_items - np.bincount(exclude[:, 0], minlength=n_users)[users]
    rows = [["random", f"{np.mean(K / left):.3f}", "", "(expected, K / the items left to each module)"],
            ["popularity", f"{kata.hit_rate(popular, test):.3f}", f"{kata.ndcg_at_k(popular, test):.3f}",
             "the same list for every module"],
            ["BPR", f"{kata.hit_rate(bpr, test):.3f}", f"{kata.ndcg_at_k(bpr, test):.3f}", "U[module] . V[item]"]]
    print(f"\nLeave-one-out on {len(users)} modules: is the held-out import among the top {K}?\n")
    print_table(["", f"hit rate@{K}", f"NDCG@{K}", ""], rows)

    print(f"\nPopularity recommends everyone {', '.join(items[i] for i in np.argsort(-counts, kind='stable')[:6])}, "
          "... (less what a module\nhas). BPR personalizes: modules like these also import "
          "(* marks the held-out import):\n")
    held = dict(zip(test[:, 0].tolist(), test[:, 1].tolist()))
    row_of = {u: r for r, u in enumerate(users.tolist())}
    user_id = {name: u for u, name in enumerate(modules)}
    for name in EXAMPLES:
        u = user_id.get(name)
        if u is None or u not in row_of:
            continue
        has = sorted(items[i] for i in train[train[:, 0] == u, 1])
        shown = ", ".join(has[:3]) + (f" and {len(has) - 3} more" if len(has) > 3 else "")
        picks = [items[i] + ("*" if i == held[u] else "") for i in np.asarray(bpr[row_of[u]])[:5]]
        print(f"  {name} (imports {shown})\n      {', '.join(picks)}")

    unit = V / np.maximum(np.linalg.norm(V, axis=1, keepdims=True), 1e-12)
    print("\nItems close in V are imported by the same kind of module (cosine of the item vectors):\n")
    for name in NEIGHBOURS:
        if name not in item_id:
            continue
        scores = unit @ unit[item_id[name]]
        scores[item_id[name]] = -np.inf
        print(f"  {name:<15} {', '.join(items[i] for i in np.argsort(-scores, kind='stable')[:5])}")

    top = np.argsort(-counts, kind="stable")[:2]
    print(f"\nPopularity is a strong baseline here: {items[top[0]]} and {items[top[1]]} are imported by "
          f"{counts[top[0]] / n_users:.0%} and {counts[top[1]] / n_users:.0%}\nof the modules. BPR beats it "
          "by learning which modules go together (the asyncio family,\nmultiprocessing, email...), from "
          "nothing but who imports whom.")
    if plot:
        save_picture(V, items)
    return 0


def save_picture(V, items, path="demo-recommender.png"):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("\nNo picture: matplotlib is not installed (pip install matplotlib).")
        return
    chosen = [j for j, name in enumerate(items) if name.split(".")[0] in PICTURE_PACKAGES]
    X = V[chosen] - V[chosen].mean(axis=0)
    _, _, Vt = np.linalg.svd(X, full_matrices=False)
    xy = X @ Vt[:2].T  # the two principal components of these item vectors
    fig, ax = plt.subplots(figsize=(7.5, 6))
    for package in PICTURE_PACKAGES:
        rows = [r for r, j in enumerate(chosen) if items[j].split(".")[0] == package]
        if rows:
            ax.scatter(xy[rows, 0], xy[rows, 1], label=package, s=18)
    ax.set_title(f"Item vectors of {len(chosen)} imported modules, 2-D PCA")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.legend(loc="best", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    print(f"\nSaved {Path(path).resolve()}")
