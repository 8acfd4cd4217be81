"""Hidden suite of kata 11, clusters.

Expected values come from properties (invariance to the length of rows and to the names of
labels, identities of purity and NMI), from plain formulas written here (a double loop for
the silhouette, the rounds of spherical k-means as a loop), and from small hand-derived
cases; never from solutions/.

k-means++ draws are judged against the distribution the contract states, never against
particular draws: the law of the order in which the rows of small blocks are drawn is
enumerated here exactly. spherical_kmeans is judged from the seeds the kata's own
kmeans_plus_plus returns for the same seed (the contract says it starts from them): the
rounds that follow them are written out here (_rounds), so no check depends on how a
learner draws from the generator. Two checks use seeds at which the common way of drawing
(rng.integers or rng.choice for the first row, rng.choice(n, p=w / w.sum()) or
searchsorted(cumsum(w), rng.random() * w.sum()) for the next ones) gives a tie or an empty
cluster; drawn otherwise, they still judge the rounds, only that case may not come up.
"""

import itertools
import math

import numpy as np
import pytest

from grading.checks import as_array, as_float, as_ints, close, equal, expect, finite, fixed, unchanged
from grading.outcomes import Mismatch, Raised, TimedOut

KATA = "clusters"
# CPU seconds for one call of each scale check. The seeding has its own: in a whole run of
# spherical_kmeans its rounds take most of the time, and a Python loop over rows in the
# seeding alone would leave too little margin. The silhouette has none: a Python loop over
# rows does O(n) numpy work per row and is as fast as blocks of rows, and a loop over pairs
# cannot finish test_silhouette_never_builds_an_n_by_n_matrix at all.
KMEANS_LIMIT = 0.5
KMEANS_PP_LIMIT = 0.15


def rng(seed):
    return np.random.default_rng(seed)


def _unit(X):
    X = np.asarray(X, dtype=np.float64)
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    return X / np.where(norms > 0, norms, 1.0)


def _circle(angles, counts=None):
    """Rows at the given angles (degrees) on the unit circle, each repeated counts[i] times."""
    a = np.radians(np.repeat(angles, counts if counts is not None else 1))
    return np.column_stack([np.cos(a), np.sin(a)])


def _blobs(seed, sizes, d, spread):
    """Rows around len(sizes) directions, orthonormal when they fit in d dimensions (noise
    `spread` per coordinate), each row multiplied by a random length in 0.5..3, shuffled:
    (X, true classes)."""
    r = rng(seed)
    if len(sizes) <= d:
        axes = np.linalg.qr(r.normal(size=(d, len(sizes))))[0].T
    else:
        axes = _unit(r.normal(size=(len(sizes), d)))
    truth = np.repeat(np.arange(len(sizes)), sizes)
    X = axes[truth] + spread * r.normal(size=(len(truth), d))
    X *= r.uniform(0.5, 3.0, size=(len(truth), 1))
    order = r.permutation(len(truth))
    return X[order], truth[order]


def _same_partition(a, b) -> bool:
    """Whether two labelings split the rows the same way, whatever the names."""
    pairs = {(x, y) for x, y in zip(np.asarray(a).tolist(), np.asarray(b).tolist())}
    return len(pairs) == len(set(np.asarray(a).tolist())) == len(set(np.asarray(b).tolist()))


def _seeds(kata, X, k, seed):
    """The kata's own kmeans_plus_plus(X, k, seed), checked to be k distinct row indices."""
    called = kata.kmeans_plus_plus(X, k, seed=seed)
    idx = as_ints(called, (k,))
    expect(idx.min() >= 0 and idx.max() < len(X) and len(set(idx.tolist())) == k, called,
           f"returned {idx}", f"{k} distinct row indices in 0..{len(X) - 1}", "k-means++ draws k different rows")
    return idx


def _rounds(X, seeds, iters=100):
    """Spherical k-means from the given seeds, as the contract writes it, a loop at a time:
    (labels, centers, what happened: a list of strings for messages)."""
    U = _unit(X)
    centers = U[list(seeds)].copy()
    k, n = len(seeds), len(U)
    labels, events = None, []
    for step in range(iters):
        scores = U @ centers.T
        new = np.argmax(scores, axis=1)  # ties to the lower center index
        if labels is not None and (new == labels).all():
            break
        labels = new.copy()
        own = scores[np.arange(n), labels]
        for j in range(k):
            counts = np.bincount(labels, minlength=k)
            if counts[j] == 0:
                movable = counts[labels] >= 2
                i = int(np.argmin(np.where(movable, own, np.inf)))
                events.append(f"cluster {j} is empty in round {step + 1}, row {i} moves to it")
                labels[i] = j
        for j in range(k):
            total = U[labels == j].sum(axis=0)
            norm = np.linalg.norm(total)
            if norm > 0:
                centers[j] = total / norm
    return labels, centers, events


# ---------------------------------------------------------------- kmeans_plus_plus

def test_kmeans_pp_returns_distinct_rows(kata):
    """kmeans_plus_plus returns k distinct row indices"""
    X, _ = _blobs(1, [10, 10, 10, 10], 5, 0.3)
    called = kata.kmeans_plus_plus(X, 6, seed=0)
    idx = as_ints(called, (6,))
    expect(idx.min() >= 0 and idx.max() < 40, called, f"returned {idx}", "indices in 0..39",
           "return row indices of X, not the rows themselves")
    expect(len(set(idx.tolist())) == 6, called, f"returned {idx}", "6 different rows",
           "a chosen row is at distance 0 from itself, so it is never drawn again")


def _binomial_bounds(n, p, tail=1e-7):
    """(lo, hi): a Binomial(n, p) count falls below lo or above hi with probability < tail each."""
    pmf = [math.comb(n, c) * p ** c * (1 - p) ** (n - c) for c in range(n + 1)]
    lo = next(c for c in range(n + 1) if sum(pmf[:c + 1]) >= tail)
    hi = next(c for c in range(n, -1, -1) if sum(pmf[c:]) >= tail)
    return lo, hi


def test_kmeans_pp_first_center_is_uniform(kata):
    """kmeans_plus_plus draws the first center uniformly over the rows"""
    X = np.array([[1.0, 0.0], [0.0, 5.0], [-1.0, -1.0], [2.0, -3.0]])
    firsts = []
    for seed in range(64):
        called = kata.kmeans_plus_plus(X, 1, seed=seed)
        firsts.append(int(as_ints(called, (1,))[0]))
    counts = np.bincount(np.clip(firsts, 0, 3), minlength=4)
    lo, hi = _binomial_bounds(64, 1 / 4)
    expect(counts.min() >= lo and counts.max() <= hi, called,
           f"rows 0 to 3 first in {', '.join(map(str, counts))} of seeds 0..63", f"each {lo} to {hi} times "
           "(16 on average)",
           "the first center is uniform over the rows (rng.integers(n)), whatever their lengths")


_BLOCK = (0.0, 30.0, 60.0, 85.0)  # angles (degrees) of the 4 rows of one block
_BLOCKS = 64


@fixed
def _blocks():
    """_BLOCKS blocks of 4 rows; block g lies in coordinates 2g and 2g + 1, at the angles of
    _BLOCK, so rows of different blocks have cosine exactly 0 (distance 1), and rows of one
    block are at most 1 - cos 85 < 1 apart. Rows get random lengths and are shuffled.
    Returns (X, block of each row, position in its block)."""
    r = rng(31)
    n = 4 * _BLOCKS
    block, point = np.repeat(np.arange(_BLOCKS), 4), np.tile(np.arange(4), _BLOCKS)
    a = np.radians(np.array(_BLOCK))[point]
    X = np.zeros((n, 2 * _BLOCKS))
    X[np.arange(n), 2 * block] = np.cos(a)
    X[np.arange(n), 2 * block + 1] = np.sin(a)
    X *= r.uniform(0.5, 4.0, size=(n, 1))
    order = r.permutation(n)
    return X[order], block[order], point[order]


@fixed
def _order_law():
    """{order: probability} of the order in which k-means++ with k = n draws the 4 rows of a
    block. Rows of other blocks are at distance 1 and rows of the same block closer, so the
    first row drawn from a block is uniform among its 4 (all at distance 1) and each next one
    is drawn with probability proportional to (1 - cos)^2 to the nearest row of the block
    drawn so far, whatever happens in the other blocks."""
    a = np.radians(np.array(_BLOCK))
    V = np.column_stack([np.cos(a), np.sin(a)])
    D = np.clip(1.0 - V @ V.T, 0.0, None)
    law = {}
    for order in itertools.permutations(range(4)):
        p, nearest = 0.25, D[order[0]].copy()
        for step, row in enumerate(order[1:], 1):
            w = nearest ** 2
            w[list(order[:step])] = 0.0
            p *= w[row] / w.sum()
            nearest = np.minimum(nearest, D[row])
        law[order] = p
    return law


def _farthest():
    """For each row of a block, the row of the block farthest from it."""
    a = np.radians(np.array(_BLOCK))
    return {i: int(np.argmax(np.abs(a - a[i]))) for i in range(4)}


def test_kmeans_pp_draws_follow_the_squared_cosine_distance(kata):
    """kmeans_plus_plus draws each next center with probability proportional to (1 - cos)^2"""
    X, block, point = _blocks()
    n = len(X)
    law = _order_law()
    mean = sum(p * math.log(p) for p in law.values())
    sd = math.sqrt(sum(p * math.log(p) ** 2 for p in law.values()) - mean ** 2)
    farthest = _farthest()
    far_expected = sum(p for o, p in law.items() if o[1] == farthest[o[0]])
    loglik, samples, far = 0.0, 0, 0
    for seed in (0, 1, 2):
        called = kata.kmeans_plus_plus(X, n, seed=seed)
        idx = as_ints(called, (n,))
        equal(called, np.sort(idx), np.arange(n), "with k = n distinct rows, every row is drawn exactly once")
        for g in range(_BLOCKS):
            order = tuple(point[idx[block[idx] == g]].tolist())
            loglik += math.log(law[order]) if law[order] > 0 else -math.inf
            far += order[1] == farthest[order[0]]
            samples += 1
    z = (loglik - samples * mean) / (sd * math.sqrt(samples))
    expect(abs(z) <= 5.0, called, f"draw orders {z:+.1f} standard deviations from the stated law (the farthest "
           f"row came second in {far / samples:.0%} of {samples} blocks of 4 rows)",
           f"within 5 (farthest second in about {far_expected:.0%})",
           "the first center is uniform, each next one has probability proportional to D^2, "
           "D = 1 - cos to the nearest center (on unit rows ||u - c||^2 = 2D: square it)")


def test_kmeans_pp_never_draws_a_row_that_coincides_with_a_center(kata):
    """kmeans_plus_plus never draws a row whose direction is already a center"""
    a, b, c = np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 1.0]), np.array([1.0, -1.0, 0.5])
    X = np.array([a, 2.5 * a, b, 0.3 * a, 4.0 * b, c, c, 2.0 * c, b])  # multiples whose unit rows are bit-equal
    direction = np.array([0, 0, 1, 0, 1, 2, 2, 2, 1])
    for seed in range(6):
        called = kata.kmeans_plus_plus(X, 3, seed=seed)
        idx = as_ints(called, (3,))
        expect(idx.min() >= 0 and idx.max() < 9 and sorted(direction[idx].tolist()) == [0, 1, 2], called,
               f"returned {idx}", "one row of each of the 3 directions",
               "a duplicate or a positive multiple of a center has 1 - cos = 0: probability 0 (normalize the rows)")


def test_lengths_of_rows_change_nothing(kata):
    """multiplying rows by positive numbers changes neither the seeds nor the clusters"""
    X, _ = _blobs(3, [12, 12, 12], 4, 0.4)
    scaled = X * rng(4).uniform(0.01, 100.0, size=(len(X), 1))
    for seed in (0, 1):
        called = kata.kmeans_plus_plus(scaled, 4, seed=seed)
        equal(called, _seeds(kata, scaled, 4, seed), _seeds(kata, X, 4, seed),
              "only directions count: normalize the rows first (the draws of X and of X scaled row by row agree)")
        called = kata.spherical_kmeans(scaled, 4, seed=seed)
        labels = as_ints(called.part(0, "labels"), (36,))
        means = _unit(np.array([_unit(X)[labels == j].sum(axis=0) for j in range(4)]))
        close(called.part(1, "centers"), as_array(called.part(1, "centers"), (4, 4)), means,
              "each center is the normalized mean of its rows' unit vectors", rtol=0, atol=1e-9)
        reference = kata.spherical_kmeans(X, 4, seed=seed)
        equal(called.part(0, "labels"), labels, as_ints(reference.part(0, "labels"), (36,)),
              "spherical k-means sees only directions: X and X scaled row by row give the same labels")
        close(called.part(1, "centers"), as_array(called.part(1, "centers"), (4, 4)),
              as_array(reference.part(1, "centers"), (4, 4)), "the centers are unit directions, whatever the "
              "lengths of the rows", rtol=0, atol=1e-9)


@pytest.mark.validation
@pytest.mark.parametrize("case, why", [
    ("k_zero", "k must be in 1..n"),
    ("k_above_n", "k must be in 1..n"),
    ("k_above_directions", "k is more than the number of distinct rows (directions)"),
    ("zero_row", "a zero row has no direction"),
    ("nan", "X must be finite"),
    ("not_2d", "X must be 2-D (n, d)"),
])
def test_kmeans_pp_rejects_bad_input(kata, case, why):
    """kmeans_plus_plus raises a ValueError for bad input"""
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    args = {
        "k_zero": (X, 0),
        "k_above_n": (X, 4),
        "k_above_directions": (np.array([[1.0, 0.0], [2.0, 0.0], [0.0, 1.0]]), 3),
        "zero_row": (np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 1.0]]), 2),
        "nan": (np.array([[1.0, 0.0], [np.nan, 1.0], [0.0, 1.0]]), 2),
        "not_2d": (np.array([1.0, 2.0, 3.0]), 2),
    }[case]
    with kata.raises(why):
        kata.kmeans_plus_plus(*args)


# ---------------------------------------------------------------- spherical_kmeans

@fixed
def _overlapping():
    """60 rows in 3 dimensions around 4 directions that overlap: several rounds to converge."""
    return _blobs(5, [18, 15, 15, 12], 3, 0.55)


def _check_rounds(kata, X, k, seed, iters, why):
    """spherical_kmeans(X, k, iters, seed) against _rounds from the kata's own seeds."""
    seeds = _seeds(kata, X, k, seed)
    expected, centers, events = _rounds(X, seeds, iters)
    called = kata.spherical_kmeans(X, k, iters=iters, seed=seed)
    labels = as_ints(called.part(0, "labels"), (len(X),))
    got = as_array(called.part(1, "centers"), (k, X.shape[1]))
    happened = f" (from rows {seeds.tolist()}{'; ' + events[0] if events else ''})"
    equal(called.part(0, "labels"), labels, expected, why + happened)
    close(called.part(1, "centers"), got, centers, "each center is the normalized mean of its rows' unit "
          f"vectors{happened}", rtol=0, atol=1e-9)
    return events


@pytest.mark.parametrize("case, iters", [("one round", 1), ("three rounds", 3), ("until converged", 100)])
def test_kmeans_rounds_start_from_kmeans_plus_plus(kata, case, iters):
    """spherical_kmeans runs its rounds from the kmeans_plus_plus seeds of the same seed"""
    X, _ = _overlapping()
    _check_rounds(kata, X, 4, 3, iters, "start from U[kmeans_plus_plus(X, k, seed)]; each round assigns every "
                  "row to the center of highest cosine, then moves each center to its rows' normalized mean")


def test_kmeans_centers_are_unit_normalized_means(kata):
    """spherical_kmeans returns unit centers, each the normalized mean of its rows"""
    X, _ = _overlapping()
    for seed in (0, 1):
        called = kata.spherical_kmeans(X, 4, seed=seed)
        labels = as_ints(called.part(0, "labels"), (60,))
        centers = as_array(called.part(1, "centers"), (4, 3))
        close(called.part(1, "the lengths of the centers"), np.linalg.norm(centers, axis=1), np.ones(4),
              "centers are unit rows: divide each mean by its length", rtol=0, atol=1e-9)
        means = _unit(np.array([_unit(X)[labels == j].sum(axis=0) for j in range(4)]))
        close(called.part(1, "centers"), centers, means, "each center is the normalized mean of the UNIT rows "
              "assigned to it (normalize X first)", rtol=0, atol=1e-9)


def test_kmeans_assigns_every_row_to_its_most_similar_center(kata):
    """after convergence every row's label is the center of highest cosine"""
    X, _ = _overlapping()
    for seed in (0, 1, 2):
        called = kata.spherical_kmeans(X, 4, seed=seed)
        labels = as_ints(called.part(0, "labels"), (60,))
        centers = as_array(called.part(1, "centers"), (4, 3))
        close(called.part(1, "the lengths of the centers"), np.linalg.norm(centers, axis=1), np.ones(4),
              "centers are unit rows", rtol=0, atol=1e-9)
        equal(called.part(0, "labels"), labels, np.argmax(_unit(X) @ centers.T, axis=1),
              "each row goes to the center of highest cosine (argmax of U @ centers.T), and the rounds go on "
              "until no label changes")


def test_kmeans_ties_go_to_the_lower_center(kata):
    """a row exactly between two centers goes to the lower center index"""
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])  # row 2 is equally close to rows 0 and 1
    for seed in (0, 6, 9, 11):
        seeds = _seeds(kata, X, 2, seed)
        expected, _, _ = _rounds(X, seeds)
        called = kata.spherical_kmeans(X, 2, seed=seed)
        labels = as_ints(called.part(0, "labels"), (3,))
        tie = "; row 2 ties" if sorted(seeds.tolist()) == [0, 1] else ""
        equal(called.part(0, "labels"), labels, expected,
              f"from rows {seeds.tolist()}{tie}: a tie goes to the lower center index (np.argmax keeps the first)")


@fixed
def _emptying():
    """25 rows on the circle: 12 at -53 degrees, 4 at -37, 4 at -4, 3 at 0 and 2 at 30. Seeded
    at -37, 30 and -53, the -37 cluster also takes the -4 rows; its mean lands at -20.5, and
    in round 2 its -37 rows are closer to -53 and its -4 rows to the 30 cluster's mean (12):
    the cluster is empty, and the row farthest from its center, at 30, moves to it."""
    return _circle([-53.0, -37.0, -4.0, 0.0, 30.0], [12, 4, 4, 3, 2])


def test_kmeans_repairs_an_empty_cluster(kata):
    """an empty cluster takes the row farthest from its own center"""
    X = _emptying()
    for seed in (16, 141, 0):
        _check_rounds(kata, X, 3, seed, 100, "an empty cluster takes the row farthest from its own center (the "
                      "lowest cosine), from a cluster that keeps another row; then every center is a mean again")
        called = kata.spherical_kmeans(X, 3, seed=seed)
        finite(called.part(1, "centers"), as_array(called.part(1, "centers"), (3, 2)),
               "an empty cluster has no mean: give it a row before the centers are recomputed")


def test_kmeans_finds_separated_clusters(kata):
    """spherical_kmeans finds well separated groups of directions"""
    X, truth = _blobs(7, [30, 20, 25, 15, 10], 6, 0.08)
    for seed in (0, 1):
        called = kata.spherical_kmeans(X, 5, seed=seed)
        labels = as_ints(called.part(0, "labels"), (100,))
        expect(_same_partition(labels, truth), called.part(0, "labels"), "labels that split a group or merge two",
               "the 5 groups, under any names", "k-means++ puts one seed in each group, and the rounds keep them")


@pytest.mark.validation
@pytest.mark.parametrize("case, why", [
    ("iters_zero", "iters must be an integer >= 1"),
    ("k_above_directions", "k is more than the number of distinct rows (directions)"),
    ("zero_row", "a zero row has no direction"),
])
def test_kmeans_rejects_bad_input(kata, case, why):
    """spherical_kmeans raises a ValueError for bad input"""
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    args, kwargs = {
        "iters_zero": ((X, 2), {"iters": 0}),
        "k_above_directions": ((np.array([[1.0, 1.0], [4.0, 4.0], [0.0, 1.0]]), 3), {}),
        "zero_row": ((np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 1.0]]), 2), {}),
    }[case]
    with kata.raises(why):
        kata.spherical_kmeans(*args, **kwargs)


# ---------------------------------------------------------------- silhouette

def _silhouette_loop(X, labels):
    """The silhouette with cosine distances, a double loop as in its definition."""
    U = _unit(X)
    labels = np.asarray(labels)
    n = len(U)
    total = 0.0
    for i in range(n):
        same = [j for j in range(n) if labels[j] == labels[i] and j != i]
        if not same:
            continue  # a row alone in its cluster scores 0
        a = np.mean([1.0 - U[i] @ U[j] for j in same])
        b = min(np.mean([1.0 - U[i] @ U[j] for j in range(n) if labels[j] == c])
                for c in set(labels.tolist()) if c != labels[i])
        total += (b - a) / max(a, b) if max(a, b) > 0 else 0.0
    return total / n


def test_silhouette_matches_its_definition(kata):
    """silhouette equals the mean of (b - a) / max(a, b) with cosine distances"""
    r = rng(8)
    for n, d, labels in ((12, 3, r.integers(0, 3, 12)), (15, 4, np.r_[np.zeros(7), np.ones(7), [5]].astype(int)),
                         (20, 2, r.integers(0, 5, 20))):
        X = r.normal(size=(n, d))
        called = kata.silhouette(X, labels)
        close(called, as_float(called), _silhouette_loop(X, labels),
              "a = mean 1 - cos to the other rows of its cluster, b = lowest such mean over the other clusters, "
              "s = (b - a) / max(a, b); 0 for a row alone", rtol=1e-9, atol=1e-9)


def test_silhouette_leaves_the_row_itself_out_of_a(kata):
    """silhouette takes a over the other rows of a cluster, never the row itself"""
    X = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]])
    called = kata.silhouette(X, [0, 0, 1, 1])
    close(called, as_float(called), 1 / 3, "row 0: a = 1 - cos 90 = 1 (its one other row, not 0 for itself), "
          "b = (2 + 1) / 2, s = (1.5 - 1) / 1.5; the same for every row", rtol=1e-9, atol=1e-12)


def test_silhouette_scores_a_lone_row_zero(kata):
    """a row alone in its cluster scores 0"""
    X = np.array([[1.0, 0.0], [1.0, 0.1], [0.0, 1.0]])
    c = 1 / math.sqrt(1.01)  # cos of rows 0 and 1; rows 1 and 2 have cos 0.1 c
    d01, d12 = 1 - c, 1 - 0.1 * c
    expected = ((1 - d01) / 1 + (d12 - d01) / d12 + 0.0) / 3
    called = kata.silhouette(X, [0, 0, 1])
    close(called, as_float(called), expected, "row 2 is alone in its cluster: it scores 0, not 1 (rows 0 and 1: "
          "a = 1 - cos of each other, b = 1 - cos with row 2)", rtol=1e-9, atol=1e-12)


def test_silhouette_ignores_lengths_and_label_names(kata):
    """silhouette changes neither with the lengths of rows nor with the names of labels"""
    r = rng(9)
    X = r.normal(size=(18, 3)) + np.repeat(np.eye(3), 6, axis=0) * 1.5
    labels = np.repeat([0, 1, 2], 6)
    expected = _silhouette_loop(X, labels)
    scaled = X * r.uniform(0.01, 100.0, size=(18, 1))
    called = kata.silhouette(scaled, np.repeat([7, -2, 40], 6))
    close(called, as_float(called), expected, "cosine distances ignore the length of rows, and labels are only "
          "names (here 7, -2 and 40)", rtol=1e-9, atol=1e-9)


def _tiled_silhouette(B, block_labels, copies):
    """The silhouette of `copies` copies of the rows B (labels repeated alike), from B alone:
    a copy of row p has `copies` rows at each distance d(p, q) of its block, one of them itself."""
    U = _unit(B)
    D = np.clip(1.0 - U @ U.T, 0.0, None)
    np.fill_diagonal(D, 0.0)
    labels = np.asarray(block_labels)
    scores = []
    for p in range(len(B)):
        own = labels == labels[p]
        a = copies * D[p, own].sum() / (copies * own.sum() - 1)
        b = min(D[p, labels == c].mean() for c in set(labels.tolist()) if c != labels[p])
        scores.append((b - a) / max(a, b))
    return float(np.mean(scores))


def test_silhouette_never_builds_an_n_by_n_matrix(kata, pytestconfig):
    """silhouette handles more rows than an n x n matrix could hold"""
    # n such that an n x n float64 matrix is over the worker's memory cap (2 GiB by default:
    # n = 17,232, a 2.2 GiB matrix), up to n = 23,040 for larger caps: code that works through
    # blocks of rows against all rows (O(n^2) time) still takes a second or two there
    cap = pytestconfig.getoption("--limits").memory_mb << 20
    copies = 360 if cap <= 0 else min(480, max(360, math.ceil(math.sqrt(1.1 * cap / 8) / 48)))
    r = rng(10)
    block_labels = np.repeat([0, 1, 2, 3], 12)
    B = r.normal(size=(48, 6)) + np.repeat(np.eye(4, 6), 12, axis=0) * 2.0
    X, labels = np.tile(B, (copies, 1)), np.tile(block_labels, copies)
    n = len(X)
    try:
        called = kata.silhouette(X, labels)
    except Raised as exc:
        if "MemoryError" in exc.error.get("mro", []):
            raise Mismatch(f"{exc.message[:-1]}, expected a float: an n x n matrix of {n} rows needs "
                           f"{n * n * 8 / 2 ** 30:.1f} GiB: work a block of rows at a time", exc.where, exc.output)
        raise
    except TimedOut as exc:
        raise TimedOut(f"{exc.message[:-1]} ({n} rows: {n * n / 2:.1e} pairs): no Python loop over pairs, "
                       "numpy on a block of rows at a time") from None
    close(called, as_float(called), _tiled_silhouette(B, block_labels, copies),
          f"{copies} copies of 48 rows: a = mean 1 - cos to the other rows of its cluster", rtol=1e-7, atol=1e-9)


@pytest.mark.validation
@pytest.mark.parametrize("case, why", [
    ("one_cluster", "the silhouette needs at least 2 clusters"),
    ("labels_length", "labels needs one label per row of X"),
    ("not_2d", "X must be 2-D (n, d)"),
    ("float_labels", "labels are integers: 1.0 is not a label"),
])
def test_silhouette_rejects_bad_input(kata, case, why):
    """silhouette raises a ValueError for bad input"""
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [-1.0, 0.5]])
    args = {"one_cluster": (X, [3, 3, 3, 3]), "labels_length": (X, [0, 1, 1]),
            "not_2d": (X[0], [0, 1]), "float_labels": (X, np.array([0.0, 0.0, 1.0, 1.0]))}[case]
    with kata.raises(why):
        kata.silhouette(*args)


# ---------------------------------------------------------------- purity and nmi

def test_purity_counts_the_majority_class_of_each_cluster(kata):
    """purity adds up the most common class of each cluster"""
    for labels, classes, expected, why in (
            ([0, 0, 0, 0, 0, 1], [0, 0, 0, 1, 1, 1], 4 / 6, "cluster 0 holds 3 of class 0 and 2 of class 1, "
             "cluster 1 one of class 1: (3 + 1) / 6"),
            ([0, 0, 0, 1, 1, 1], [0, 0, 0, 0, 0, 1], 5 / 6, "cluster 0: 3 of class 0, cluster 1: 2 of class 0 "
             "and 1 of class 1: (3 + 2) / 6 (each CLUSTER votes, not each class)"),
            ([2, 2, 5, 5, 5, 9, 9, 9, 9], [1, 0, 1, 1, 0, 2, 2, 2, 0], 6 / 9, "(1 + 2 + 3) / 9")):
        called = kata.purity(labels, classes)
        close(called, as_float(called), expected, why, rtol=1e-12, atol=1e-12)


def test_purity_and_nmi_ignore_names(kata):
    """purity and nmi are 1 for the same partition under other names, and do not change with renaming"""
    r = rng(11)
    labels, classes = r.integers(0, 4, 40), r.integers(0, 3, 40)
    renamed = np.array([17, -3, 5, 100])[labels]
    for f in ("purity", "nmi"):
        called = getattr(kata, f)(labels, renamed)
        close(called, as_float(called), 1.0, "the same partition under other names scores 1", rtol=0, atol=1e-12)
        expected = as_float(getattr(kata, f)(labels, classes))
        called = getattr(kata, f)(renamed, np.array([9, 4, -1])[classes])
        close(called, as_float(called), expected, "labels and classes are only names: renaming changes nothing",
              rtol=1e-12, atol=1e-12)


def _entropy(counts):
    p = np.asarray(counts, dtype=float) / np.sum(counts)
    p = p[p > 0]
    return float(-np.sum(p * np.log(p)))


def test_nmi_uses_the_arithmetic_mean_of_the_entropies(kata):
    """nmi divides the mutual information by the mean of the two entropies"""
    h_labels, h_classes = math.log(2), _entropy([3, 1])
    info = 0.5 * math.log(4 / 3) + 0.25 * math.log(2 / 3) + 0.25 * math.log(2)
    called = kata.nmi([0, 0, 1, 1], [0, 0, 0, 1])
    close(called, as_float(called), info / ((h_labels + h_classes) / 2),
          "I / ((H(labels) + H(classes)) / 2): the arithmetic mean, not the geometric one or the max",
          rtol=1e-9, atol=1e-12)
    labels, classes = [0, 0, 0, 1, 1, 2, 2, 2, 2, 2], [1, 1, 0, 0, 0, 0, 2, 2, 2, 2]
    table = np.zeros((3, 3))
    np.add.at(table, (labels, classes), 1)
    p = table / 10
    outer = p.sum(1, keepdims=True) * p.sum(0, keepdims=True)
    info = float(np.sum(p[p > 0] * np.log(p[p > 0] / outer[p > 0])))
    called = kata.nmi(labels, classes)
    close(called, as_float(called), 2 * info / (_entropy([3, 2, 5]) + _entropy([4, 2, 4])),
          "I = sum p_ij log(p_ij / (p_i p_j)), divided by the mean of the two entropies", rtol=1e-9, atol=1e-12)


def test_nmi_of_independent_partitions_is_zero(kata):
    """nmi is 0 for independent partitions and for one group against several"""
    for labels, classes, why in (
            ([0, 0, 1, 1] * 3, [0, 1, 0, 1] * 3, "every cluster holds each class equally often: I = 0"),
            ([4, 4, 4, 4, 4, 4], [0, 1, 2, 0, 1, 2], "one cluster tells nothing about the classes: I = 0 "
             "(and H(labels) = 0, so no 0 / 0)")):
        called = kata.nmi(labels, classes)
        close(called, as_float(called), 0.0, why, rtol=0, atol=1e-12)
    r = rng(12)
    called = kata.nmi(r.integers(0, 4, 20000), r.integers(0, 5, 20000))
    got = as_float(called)
    expect(0 <= got < 0.01, called, f"returned {got:.4g}", "near 0 (below 0.01)",
           "independent random partitions share almost no information")
    called = kata.nmi([1, 1, 1], [0, 0, 0])
    close(called, as_float(called), 1.0, "one cluster and one class: the same partition, NMI 1 (not 0 / 0)",
          rtol=0, atol=1e-12)


@pytest.mark.validation
@pytest.mark.parametrize("case, why", [
    ("lengths_differ", "labels and classes must have the same length"),
    ("empty", "labels and classes must not be empty"),
    ("not_1d", "labels must be 1-D"),
    ("float_labels", "labels are integers: 1.0 is not a label"),
])
def test_purity_and_nmi_reject_bad_input(kata, case, why):
    """purity and nmi raise a ValueError for bad input"""
    args = {"lengths_differ": ([0, 1, 1], [0, 1]), "empty": ([], []),
            "not_1d": ([[0, 1], [1, 0]], [[0, 1], [1, 1]]),
            "float_labels": (np.array([0.0, 1.0, 1.0]), np.array([0, 1, 1]))}[case]
    for f in ("purity", "nmi"):
        with kata.raises(why):
            getattr(kata, f)(*args)


# ---------------------------------------------------------------- contract-wide

@pytest.mark.side
def test_same_seed_same_result(kata):
    """the same seed gives the same seeds and clusters; other seeds give other seeds"""
    X, _ = _blobs(13, [15, 15, 15, 15], 5, 0.5)
    draws = []
    for seed in (0, 0, 1, 2):
        called = kata.kmeans_plus_plus(X, 5, seed=seed)
        draws.append(as_ints(called, (5,)).tolist())
    expect(draws[0] == draws[1], called, f"{draws[0]} and then {draws[1]} for seed 0", "the same draws",
           "every draw comes from np.random.default_rng(seed): no global random state")
    expect(len({tuple(d) for d in draws}) > 1, called, f"{draws[0]} for seeds 0, 1 and 2", "other draws",
           "the seed must reach the generator: np.random.default_rng(seed)")
    first = kata.spherical_kmeans(X, 5, seed=4)
    again = kata.spherical_kmeans(X, 5, seed=4)
    equal(again.part(0, "labels"), as_ints(again.part(0, "labels"), (60,)), as_ints(first.part(0, "labels"), (60,)),
          "the same seed gives the same clusters")


@pytest.mark.side
def test_inputs_are_left_unchanged(kata):
    """no function changes its inputs in place"""
    X, truth = _blobs(14, [8, 8, 8], 3, 0.4)
    labels = truth.copy()
    for called in (kata.kmeans_plus_plus(X.copy(), 3, seed=0), kata.spherical_kmeans(X.copy(), 3, seed=0),
                   kata.silhouette(X.copy(), labels.copy()), kata.purity(labels.copy(), truth[::-1].copy()),
                   kata.nmi(labels.copy(), truth[::-1].copy())):
        unchanged(called)


@pytest.mark.side
def test_results_are_float64(kata):
    """centers are float64 and labels integers, also for integer input; the scores are floats"""
    X = np.array([[3, 0], [2, 1], [0, 4], [1, 5], [-2, -1]])
    called = kata.spherical_kmeans(X, 2, seed=0)
    for part, kinds, what in ((called.part(1, "centers"), "f", "float64"), (called.part(0, "labels"), "iu",
                                                                            "integers")):
        dtype = np.asarray(part.value).dtype
        expect(dtype.kind in kinds and (kinds != "f" or dtype == np.float64), part, f"{part.label} of dtype {dtype}",
               what, "centers are float64 (np.asarray(X, dtype=float)); labels are integers")
    for called in (kata.silhouette(X, [0, 0, 1, 1, 0]), kata.purity([0, 0, 1], [1, 1, 1]), kata.nmi([0, 0, 1], [0, 0, 1])):
        expect(isinstance(called.value, float), called, f"a {type(called.value).__name__}", "a Python float",
               "scores are floats: return float(...)")


# ---------------------------------------------------------------- scale

@fixed
def _many_rows():
    """300,000 rows of dimension 4 (float32, 4.8 MB) around 4 orthonormal directions, with
    enough noise that the groups overlap and 6 rounds do not converge."""
    r = rng(15)
    truth = r.integers(0, 4, 300_000)
    X = np.eye(4, dtype=np.float32)[truth] + np.float32(0.6) * r.standard_normal((300_000, 4), dtype=np.float32)
    return X * r.uniform(0.5, 2.0, size=(300_000, 1)).astype(np.float32)


@pytest.mark.scale(KMEANS_PP_LIMIT, "correct but too slow: vectorize (after each draw, the distance of every "
                   "row to the new center at once, 1 - U @ c, and np.minimum with the nearest so far)")
def test_scale_kmeans_plus_plus_is_vectorized(kata):
    """kmeans_plus_plus draws 8 centers among 100,000 rows quickly"""
    _seeds(kata, _many_rows()[:100_000], 8, 0)


@pytest.mark.scale(KMEANS_LIMIT, "correct but too slow: vectorize (each round is one matrix product U @ "
                   "centers.T, its argmax, and one sum per cluster: no Python loop over rows)")
def test_scale_spherical_kmeans_is_vectorized(kata):
    """spherical_kmeans runs 6 rounds of 2 clusters on 300,000 rows quickly"""
    X = _many_rows()
    n, k = len(X), 2  # few clusters: plain code that loops over clusters stays quick, a loop over rows does not
    called = kata.spherical_kmeans(X, k, iters=6, seed=0)
    labels = as_ints(called.part(0, "labels"), (n,))
    centers = as_array(called.part(1, "centers"), (k, 4))
    expect(labels.min() >= 0 and labels.max() < k, called.part(0, "labels"), f"labels from {labels.min()} to "
           f"{labels.max()}", f"labels in 0..{k - 1}", "a label is the index of a center")
    U = _unit(X)
    sums = np.column_stack([np.bincount(labels, weights=U[:, j], minlength=k) for j in range(4)])
    close(called.part(1, "centers"), centers, _unit(sums), "after the last round each center is the normalized "
          "mean of its rows", rtol=0, atol=1e-7)
