"""How good, and how fast, is the reference BPR next to the implicit library's? A script, not a test:

    python bench/recommender.py
    python bench/recommender.py --dim 64 --epochs 80 --seeds 5

The data is the demos' import graph of Python's standard library (demos/_imports.py: a module is
a user, the modules it imports are its items), split by the reference leave_one_out (seed 0).
Each model trains on one thread with the same factors, epochs (implicit: iterations), learning
rate and regularization, --runs times per seed, and every model's vectors are ranked and scored by the
same reference functions: recommend (training pairs and the module itself left out), hit_rate
and ndcg_at_k at 10. Times are those of training alone, the median over the seeds and runs
(the models take turns, run by run): CPU time (one thread each, so it barely depends on what
else the machine runs) and wall time.

implicit (pip install implicit) is optional and never a dependency of the katas; without it the
reference runs alone, and the script says so. Where it runs, note how its BPR differs (both
train in float32): it samples a negative as a random entry of the interaction matrix, so in
proportion to popularity (liked items redrawn), where the kata draws uniformly among the items a
user lacks; it adds an item bias to the factors; and it runs per-pair SGD in compiled code. The
third row isolates the first difference: the reference with negatives drawn as implicit draws
them.

Targets: the same hit rate within noise, in at most 3x implicit's time.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from pathlib import Path

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")  # one core for numpy, as for implicit with num_threads=1

import numpy as np  # noqa: E402  (after the thread settings, which it reads once)

ROOT = Path(__file__).resolve().parents[1]
K = 10


def load_module(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def popularity_sampled(reference):
    """A copy of the reference whose negatives are drawn as implicit draws them: a random pair of
    train, its item taken as the negative, drawn again while the user has that item."""
    module = load_module("_bench_recommender_popular", ROOT / "solutions" / "recommender.py")

    class PopularNegatives(reference._Negatives):
        def __init__(self, users, items, n_items):
            super().__init__(users, items, n_items)
            self.items = items
            self.keys = np.sort(users * n_items + items)

        def draw(self, users, rng):
            neg = self.items[rng.integers(0, len(self.items), size=len(users))]
            again = np.flatnonzero(self._has(users, neg))
            while again.size:
                neg[again] = self.items[rng.integers(0, len(self.items), size=again.size)]
                again = again[self._has(users[again], neg[again])]
            return neg

        def _has(self, users, items):
            keys = users * self.n_items + items
            at = np.minimum(np.searchsorted(self.keys, keys), len(self.keys) - 1)
            return self.keys[at] == keys

    module._Negatives = PopularNegatives
    return module


def implicit_bpr():
    """(train(train, n_users, n_items, dim, epochs, lr, reg, seed) -> (U, V), version), or (None, why)."""
    try:
        import implicit
        import scipy.sparse
        from implicit.cpu.bpr import BayesianPersonalizedRanking
    except ImportError as exc:
        return None, f"implicit is not installed (no module named {exc.name!r}): pip install implicit to compare"

    def train(pairs, n_users, n_items, dim, epochs, lr, reg, seed):
        X = scipy.sparse.csr_matrix((np.ones(len(pairs), dtype=np.float32), (pairs[:, 0], pairs[:, 1])),
                                    shape=(n_users, n_items))
        model = BayesianPersonalizedRanking(factors=dim, learning_rate=lr, regularization=reg,
                                            iterations=epochs, num_threads=1, random_state=seed)
        model.fit(X, show_progress=False)
        # the last column of item_factors is an item bias, and the users' last column is 1
        return np.asarray(model.user_factors, dtype=np.float64), np.asarray(model.item_factors, dtype=np.float64)

    return train, f"implicit {implicit.__version__}"


def score(reference, U, V, users, test, exclude):
    recommended = reference.recommend(U, V, users, K, exclude=exclude)
    return reference.hit_rate(recommended, test), reference.ndcg_at_k(recommended, test)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dim", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--reg", type=float, default=0.01)
    parser.add_argument("--batch-size", type=int, default=256, help="the reference's minibatch size")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each model per seed")
    args = parser.parse_args(argv)

    reference = load_module("_bench_recommender", ROOT / "solutions" / "recommender.py")
    imports = load_module("_bench_imports", ROOT / "demos" / "_imports.py")
    modules, items, pairs = imports.graph(verbose=True)
    n_users, n_items = len(modules), len(items)
    train, test = reference.leave_one_out(pairs, n_users, seed=0)
    users = np.unique(test[:, 0])
    item_id = {name: j for j, name in enumerate(items)}
    itself = np.array([(u, item_id[m]) for u, m in enumerate(modules) if m in item_id], dtype=np.int64)
    exclude = np.concatenate([train, itself.reshape(-1, 2)])

    print(f"The import graph of the standard library: {len(pairs):,} pairs of {n_users} modules among "
          f"{n_items} items;\nleave-one-out: {len(train):,} training pairs, {len(test)} held out. "
          f"{args.dim} factors, {args.epochs} epochs, lr {args.lr}, reg {args.reg}, one thread, "
          f"{args.seeds} seeds.\n")

    def run_reference(module):
        def train_one(seed):
            U, V, _ = module.train_bpr(train, n_users, n_items, dim=args.dim, epochs=args.epochs, lr=args.lr,
                                       reg=args.reg, batch_size=args.batch_size, seed=seed)
            return U, V
        return train_one

    rows = {"reference (numpy)": run_reference(reference),
            "reference, negatives by popularity": run_reference(popularity_sampled(reference))}
    train_implicit, note = implicit_bpr()
    if train_implicit is not None:
        rows[f"{note} BPR"] = lambda seed: train_implicit(train, n_users, n_items, args.dim, args.epochs,
                                                           args.lr, args.reg, seed)
    counts = np.bincount(train[:, 1], minlength=n_items).astype(np.float64)
    pop_hit, pop_ndcg = score(reference, np.ones((n_users, 1)), counts[:, None], users, test, exclude)

    for fit in rows.values():
        fit(0)  # warm-up: imports, first-call costs
    # The models take turns, run by run, so that a change in the machine's speed (another
    # process, the clock) falls on all of them alike; each seed is scored once, from its first run.
    hits, ndcgs, seconds = ({name: [] for name in rows} for _ in range(3))
    for seed in range(args.seeds):
        for run in range(args.runs):
            for name, fit in rows.items():
                start, cpu = time.perf_counter(), time.process_time()
                U, V = fit(seed)
                seconds[name].append((time.process_time() - cpu, time.perf_counter() - start))
                if run == 0:
                    hit, ndcg = score(reference, U, V, users, test, exclude)
                    hits[name].append(hit)
                    ndcgs[name].append(ndcg)
    results = {name: (np.array(hits[name]), np.array(ndcgs[name]), np.array(seconds[name])) for name in rows}

    width = max(len(n) for n in [*rows, "popularity"])
    print(f"  {'':<{width}}  {'hit rate@10':>15}  {'NDCG@10':>15}  {'CPU':>8}  {'wall':>8}")
    print(f"  {'popularity':<{width}}  {pop_hit:>15.3f}  {pop_ndcg:>15.3f}")
    for name, (hits, ndcgs, seconds) in results.items():
        cpu, wall = np.median(seconds, axis=0)
        print(f"  {name:<{width}}  {hits.mean():>8.3f} ± {hits.std():.3f}  {ndcgs.mean():>8.3f} ± {ndcgs.std():.3f}"
              f"  {cpu:>6.3f} s  {wall:>6.3f} s")
    print(f"  (mean ± standard deviation over the seeds; training times: the median of {args.runs} runs per seed)")
    if train_implicit is None:
        print(f"\n{note}.")
        return 0
    ours, theirs = results["reference (numpy)"], results[f"{note} BPR"]
    noise = 2 * np.hypot(ours[0].std(), theirs[0].std()) + 1e-12
    gap = ours[0].mean() - theirs[0].mean()
    ratio = np.median(ours[2][:, 0]) / np.median(theirs[2][:, 0])
    paired = np.quantile(ours[2][:, 0] / theirs[2][:, 0], [0.1, 0.9])  # run against the run next to it
    wall_ratio = np.median(ours[2][:, 1]) / np.median(theirs[2][:, 1])
    verdict = "within noise" if abs(gap) <= noise else ("higher" if gap > 0 else "LOWER")
    same = results["reference, negatives by popularity"]
    same_noise = 2 * np.hypot(same[0].std(), theirs[0].std()) + 1e-12
    same_gap = same[0].mean() - theirs[0].mean()
    print(f"\nHit rate: the reference {gap:+.3f} against {note} ({verdict}; noise: 2 standard deviations "
          f"of the difference, {noise:.3f}).\nWith negatives drawn as implicit draws them: {same_gap:+.3f} "
          f"({'within noise' if abs(same_gap) <= same_noise else 'beyond noise'}, {same_noise:.3f})"
          f"{': the sampling makes the difference' if abs(same_gap) <= same_noise < abs(gap) else ''}."
          f"\nTime: the reference takes {ratio:.2f}x implicit's CPU time "
          f"({'within' if ratio <= 3 else 'OVER'} the 3x target; run by run, 80% of the ratios "
          f"between {paired[0]:.2f}x and {paired[1]:.2f}x); its wall time {wall_ratio:.2f}x.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
