"""Variants of kata 11 that the hidden suite must judge right: WRONG, SLOW and CORRECT.

Each is appended to solutions/clusters.py, so its definitions replace the reference's. What
each group holds and must do is written once, in tests/self/conftest.py (load_variants).

The learner's own helpers (_LEARNER below) are named so that they replace none of the
reference's.
"""

# The input checks and unit rows of a learner's file, shared by the variants below.
_LEARNER = '''
def _points(X, allow_zero=False):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(f"X must be 2-D (n, d), got shape {X.shape}")
    if not np.isfinite(X).all():
        raise ValueError("X must be finite")
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    if not allow_zero and (norms == 0).any():
        raise ValueError("X has a zero row: no direction")
    return X, X / np.where(norms > 0, norms, 1.0)


def _k_in_range(k, n):
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= n:
        raise ValueError(f"k must be an integer in 1..{n}, got {k!r}")
    return int(k)


def _iters_ok(iters):
    if isinstance(iters, bool) or not isinstance(iters, (int, np.integer)) or iters < 1:
        raise ValueError(f"iters must be an integer >= 1, got {iters!r}")
    return int(iters)


def _names(labels, classes):
    labels, classes = np.asarray(labels), np.asarray(classes)
    if labels.ndim != 1 or classes.ndim != 1:
        raise ValueError("labels and classes must be 1-D")
    if len(labels) != len(classes):
        raise ValueError("labels and classes must have the same length")
    if len(labels) == 0:
        raise ValueError("labels and classes must not be empty")
    if labels.dtype.kind not in "iu" or classes.dtype.kind not in "iu":
        raise ValueError("labels and classes must be integers")
    return np.unique(labels, return_inverse=True)[1].ravel(), np.unique(classes, return_inverse=True)[1].ravel()


def _table(labels, classes):
    a, b = _names(labels, classes)
    T = np.zeros((a.max() + 1, b.max() + 1))
    np.add.at(T, (a, b), 1)
    return T
'''

# A learner's k-means++ with the weights `weights(U, X, nearest)` of the rows (nearest: the
# cosine distance of each unit row to its nearest center so far), drawn with rng.choice.
_SEEDS = '''
def _distance_to(U, c):
    d = 1.0 - U @ c
    d[d < 1e-12] = 0.0  # rounding of one direction (x and 3x), not a real distance
    return d


def _seeds(U, k, rng):
    n = len(U)
    chosen = [int(rng.integers(n))]
    nearest = _distance_to(U, U[chosen[0]])
    for _ in range(k - 1):
        w = _weights(nearest)
        if w.sum() <= 0:
            raise ValueError(f"k = {k} is more than the number of distinct rows")
        i = int(rng.choice(n, p=w / w.sum()))
        chosen.append(i)
        nearest = np.minimum(nearest, _distance_to(U, U[i]))
    return np.array(chosen)
'''

# A learner's spherical k-means whose steps are `_round_assign`, `_round_repair` and
# `_round_means`, starting from the kata's kmeans_plus_plus.
_KMEANS = '''
def spherical_kmeans(X, k, iters=100, seed=0):
    X, U = _points(X)
    k = _k_in_range(k, len(U))
    iters = _iters_ok(iters)
    centers = U[kmeans_plus_plus(X, k, seed)]
    labels = None
    for _ in range(iters):
        new = _round_assign(U, centers)
        if labels is not None and np.array_equal(new, labels):
            break
        labels = new
        _round_repair(U, centers, labels)
        centers = _round_means(U, labels, centers)
    return labels, centers


def _round_assign(U, centers):
    return np.argmax(U @ centers.T, axis=1)


def _round_repair(U, centers, labels):
    k = len(centers)
    cos = np.sum(U * centers[labels], axis=1)
    for j in range(k):
        counts = np.bincount(labels, minlength=k)
        if counts[j] == 0:
            i = int(np.argmin(np.where(counts[labels] >= 2, cos, np.inf)))
            labels[i] = j


def _round_means(U, labels, centers):
    new = centers.copy()
    for j in range(len(centers)):
        total = U[labels == j].sum(axis=0)
        if np.linalg.norm(total) > 0:
            new[j] = total / np.linalg.norm(total)
    return new
'''

# A learner's silhouette row by row around `_mean_distances(U, codes, sizes, i)`: row i's mean
# cosine distances (a, b) and whether it is alone in its cluster.
_SILHOUETTE = '''
def silhouette(X, labels):
    X, U = _points(X, allow_zero=True)
    labels = np.asarray(labels)
    if labels.ndim != 1 or len(labels) != len(U) or (labels.size and labels.dtype.kind not in "iu"):
        raise ValueError("labels needs one integer label per row of X")
    codes = np.unique(labels, return_inverse=True)[1].ravel()
    sizes = np.bincount(codes)
    if len(sizes) < 2:
        raise ValueError("the silhouette needs at least 2 clusters")
    total = 0.0
    for i in range(len(U)):
        a, b, alone = _mean_distances(U, codes, sizes, i)
        if alone:
            total += _alone_score()
        elif max(a, b) > 0:
            total += (b - a) / max(a, b)
    return float(total / len(U))


def _alone_score():
    return 0.0


def _cluster_distances(U, codes, sizes, i):
    d = 1 - U @ U[i]
    d[i] = 0.0
    return d, np.bincount(codes, weights=d, minlength=len(sizes))


def _mean_distances(U, codes, sizes, i):
    own = codes[i]
    if sizes[own] == 1:
        return 0.0, 0.0, True
    d, sums = _cluster_distances(U, codes, sizes, i)
    means = sums / sizes
    means[own] = np.inf
    return sums[own] / (sizes[own] - 1), means.min(), False
'''

WRONG = {
    "pp_weights_not_squared": (
        "k-means++ draws with probability proportional to 1 - cos, not its square (the squared Euclidean "
        "distance of unit rows, 2 (1 - cos), is not squared again)",
        _LEARNER + _SEEDS + '''
def _weights(nearest):
    return nearest
''',
        ("test_kmeans_pp_draws_follow_the_squared_cosine_distance",)),
    "pp_euclidean_on_raw_rows": (
        "classic k-means++ on the raw rows: squared Euclidean distances, no normalization",
        _LEARNER + '''
def kmeans_plus_plus(X, k, seed=0):
    X, _ = _points(X)
    k = _k_in_range(k, len(X))
    rng = np.random.default_rng(seed)
    chosen = [int(rng.integers(len(X)))]
    nearest = np.sum((X - X[chosen[0]]) ** 2, axis=1)
    for _ in range(k - 1):
        if nearest.sum() <= 0:
            raise ValueError("k is more than the number of distinct rows")
        i = int(rng.choice(len(X), p=nearest / nearest.sum()))
        chosen.append(i)
        nearest = np.minimum(nearest, np.sum((X - X[i]) ** 2, axis=1))
    return np.array(chosen)
''',
        ("test_kmeans_pp_never_draws_a_row_that_coincides_with_a_center", "test_lengths_of_rows_change_nothing",
         "test_kmeans_pp_draws_follow_the_squared_cosine_distance")),
    "pp_first_center_is_row_0": (
        "k-means++ always starts from row 0 instead of a uniform row",
        _LEARNER + '''
def kmeans_plus_plus(X, k, seed=0):
    X, U = _points(X)
    k = _k_in_range(k, len(U))
    rng = np.random.default_rng(seed)
    chosen = [0]
    nearest = np.maximum(1 - U @ U[0], 0.0)
    for _ in range(k - 1):
        w = nearest ** 2
        if w.sum() <= 0:
            raise ValueError("k is more than the number of distinct rows")
        i = int(rng.choice(len(U), p=w / w.sum()))
        chosen.append(i)
        nearest = np.minimum(nearest, np.maximum(1 - U @ U[i], 0.0))
    return np.array(chosen)
''',
        ("test_kmeans_pp_first_center_is_uniform",)),
    "pp_farthest_first": (
        "after a uniform first center, each next one is the farthest row (argmax), not a draw",
        _LEARNER + '''
def _seeds(U, k, rng):
    chosen = [int(rng.integers(len(U)))]
    nearest = np.maximum(1 - U @ U[chosen[0]], 0.0)
    for _ in range(k - 1):
        if nearest.max() <= 0:
            raise ValueError("k is more than the number of distinct rows")
        i = int(np.argmax(nearest))
        chosen.append(i)
        nearest = np.minimum(nearest, np.maximum(1 - U @ U[i], 0.0))
    return np.array(chosen)
''',
        ("test_kmeans_pp_draws_follow_the_squared_cosine_distance",)),
    "kmeans_on_raw_rows": (
        "spherical k-means assigns and averages the raw rows: long rows weigh more in each mean",
        _LEARNER + _KMEANS + '''
def spherical_kmeans(X, k, iters=100, seed=0):
    X, U = _points(X)
    k = _k_in_range(k, len(U))
    centers = U[kmeans_plus_plus(X, k, seed)]
    labels = None
    for _ in range(_iters_ok(iters)):
        new = np.argmax(X @ centers.T, axis=1)
        if labels is not None and np.array_equal(new, labels):
            break
        labels = new
        _round_repair(U, centers, labels)
        centers = _round_means(X, labels, centers)
    return labels, centers
''',
        ("test_lengths_of_rows_change_nothing", "test_kmeans_centers_are_unit_normalized_means")),
    "kmeans_centers_not_normalized": (
        "each center is the mean of its unit rows, never scaled back to length 1",
        _LEARNER + _KMEANS + '''
def _round_means(U, labels, centers):
    new = centers.copy()
    for j in range(len(centers)):
        if (labels == j).any():
            new[j] = U[labels == j].mean(axis=0)
    return new
''',
        ("test_kmeans_centers_are_unit_normalized_means", "test_kmeans_rounds_start_from_kmeans_plus_plus")),
    "kmeans_empty_cluster_is_nan": (
        "no repair: an empty cluster's center is 0 / 0, NaN",
        _LEARNER + _KMEANS + '''
def _round_repair(U, centers, labels):
    pass


def _round_means(U, labels, centers):
    sums = np.array([U[labels == j].sum(axis=0) for j in range(len(centers))])
    with np.errstate(invalid="ignore", divide="ignore"):
        return sums / np.linalg.norm(sums, axis=1, keepdims=True)
''',
        ("test_kmeans_repairs_an_empty_cluster",)),
    "kmeans_empty_cluster_keeps_its_center": (
        "no repair: an empty cluster keeps its old center and stays empty",
        _LEARNER + _KMEANS + '''
def _round_repair(U, centers, labels):
    pass
''',
        ("test_kmeans_repairs_an_empty_cluster",)),
    "kmeans_repair_takes_the_nearest_row": (
        "an empty cluster takes the row NEAREST to its own center (the highest cosine)",
        _LEARNER + _KMEANS + '''
def _round_repair(U, centers, labels):
    k = len(centers)
    cos = np.sum(U * centers[labels], axis=1)
    for j in range(k):
        counts = np.bincount(labels, minlength=k)
        if counts[j] == 0:
            i = int(np.argmax(np.where(counts[labels] >= 2, cos, -np.inf)))
            labels[i] = j
''',
        ("test_kmeans_repairs_an_empty_cluster",)),
    "kmeans_ties_to_the_higher_center": (
        "a tie goes to the higher center index (argmax over the reversed columns)",
        _LEARNER + _KMEANS + '''
def _round_assign(U, centers):
    scores = U @ centers.T
    return len(centers) - 1 - np.argmax(scores[:, ::-1], axis=1)
''',
        ("test_kmeans_ties_go_to_the_lower_center",)),
    "kmeans_reassigns_after_the_last_update": (
        "each round moves the centers first and then assigns, so the labels returned are not the ones "
        "the centers were computed from",
        _LEARNER + _KMEANS + '''
def spherical_kmeans(X, k, iters=100, seed=0):
    X, U = _points(X)
    k = _k_in_range(k, len(U))
    centers = U[kmeans_plus_plus(X, k, seed)]
    labels = _round_assign(U, centers)
    for _ in range(_iters_ok(iters)):
        _round_repair(U, centers, labels)
        centers = _round_means(U, labels, centers)
        new = _round_assign(U, centers)
        if np.array_equal(new, labels):
            break
        labels = new
    return labels, centers
''',
        ("test_kmeans_rounds_start_from_kmeans_plus_plus",)),
    "kmeans_own_random_seeds": (
        "spherical k-means starts from k rows drawn uniformly (rng.choice without replacement), not from "
        "kmeans_plus_plus",
        _LEARNER + _KMEANS + '''
def _uniform_rows(X, k, seed):
    return np.random.default_rng(seed).choice(len(X), size=k, replace=False)


def spherical_kmeans(X, k, iters=100, seed=0):
    X, U = _points(X)
    k = _k_in_range(k, len(U))
    kmeans_plus_plus(X, k, seed)  # for its checks only
    centers = U[_uniform_rows(X, k, seed)]
    labels = None
    for _ in range(_iters_ok(iters)):
        new = _round_assign(U, centers)
        if labels is not None and np.array_equal(new, labels):
            break
        labels = new
        _round_repair(U, centers, labels)
        centers = _round_means(U, labels, centers)
    return labels, centers
''',
        ("test_kmeans_rounds_start_from_kmeans_plus_plus",)),
    "silhouette_counts_the_row_itself": (
        "a is the mean distance over the whole cluster, the row itself (distance 0) included",
        _LEARNER + _SILHOUETTE + '''
def _mean_distances(U, codes, sizes, i):
    own = codes[i]
    if sizes[own] == 1:
        return 0.0, 0.0, True
    d, sums = _cluster_distances(U, codes, sizes, i)
    means = sums / sizes
    means[own] = np.inf
    return sums[own] / sizes[own], means.min(), False
''',
        ("test_silhouette_leaves_the_row_itself_out_of_a", "test_silhouette_matches_its_definition")),
    "silhouette_lone_row_scores_one": (
        "a row alone in its cluster scores 1 (a = 0 taken at face value) instead of 0",
        _LEARNER + _SILHOUETTE + '''
def _alone_score():
    return 1.0
''',
        ("test_silhouette_scores_a_lone_row_zero",)),
    "silhouette_euclidean_distances": (
        "the silhouette with Euclidean distances between the raw rows instead of 1 - cos",
        _LEARNER + _SILHOUETTE + '''
def silhouette(X, labels):
    X, _ = _points(X, allow_zero=True)
    labels = np.asarray(labels)
    if labels.ndim != 1 or len(labels) != len(X):
        raise ValueError("labels needs one label per row of X")
    names = np.unique(labels)
    if len(names) < 2:
        raise ValueError("the silhouette needs at least 2 clusters")
    total = 0.0
    for i in range(len(X)):
        d = np.linalg.norm(X - X[i], axis=1)
        own = labels == labels[i]
        if own.sum() == 1:
            continue
        a = d[own].sum() / (own.sum() - 1)
        b = min(d[labels == c].mean() for c in names if c != labels[i])
        total += (b - a) / max(a, b)
    return float(total / len(X))
''',
        ("test_silhouette_matches_its_definition", "test_silhouette_leaves_the_row_itself_out_of_a",
         "test_silhouette_ignores_lengths_and_label_names")),
    "silhouette_b_over_all_other_rows": (
        "b is the mean distance to every row outside the cluster, not the nearest other cluster's mean",
        _LEARNER + _SILHOUETTE + '''
def _mean_distances(U, codes, sizes, i):
    own = codes[i]
    if sizes[own] == 1:
        return 0.0, 0.0, True
    d, sums = _cluster_distances(U, codes, sizes, i)
    others = codes != own
    return sums[own] / (sizes[own] - 1), d[others].mean(), False
''',
        ("test_silhouette_matches_its_definition",)),
    "silhouette_n_by_n_matrix": (
        "the silhouette from the full n x n matrix of cosine distances: right, but out of memory for "
        "large n",
        _LEARNER + '''
def silhouette(X, labels):
    X, U = _points(X, allow_zero=True)
    labels = np.asarray(labels)
    if labels.ndim != 1 or len(labels) != len(U):
        raise ValueError("labels needs one label per row of X")
    names, codes = np.unique(labels, return_inverse=True)
    if len(names) < 2:
        raise ValueError("the silhouette needs at least 2 clusters")
    D = 1.0 - U @ U.T
    np.fill_diagonal(D, 0.0)
    onehot = (codes.ravel()[:, None] == np.arange(len(names))).astype(float)
    sizes = onehot.sum(axis=0)
    sums = D @ onehot
    own = np.arange(len(U)), codes.ravel()
    m = sizes[codes.ravel()]
    a = sums[own] / np.maximum(m - 1, 1)
    means = sums / sizes
    means[own] = np.inf
    b = means.min(axis=1)
    s = np.where((m > 1) & (np.maximum(a, b) > 0), (b - a) / np.maximum(np.maximum(a, b), 1e-300), 0.0)
    return float(s.mean())
''',
        ("test_silhouette_never_builds_an_n_by_n_matrix",)),
    "purity_per_class": (
        "each CLASS votes for its most common cluster (inverse purity) instead of each cluster for its class",
        _LEARNER + '''
def purity(labels, classes):
    return float(_table(labels, classes).max(axis=0).sum() / len(labels))
''',
        ("test_purity_counts_the_majority_class_of_each_cluster",)),
    "purity_bincount_of_raw_names": (
        "purity counts with np.bincount on the label values themselves, which fails for negative names",
        _LEARNER + '''
def purity(labels, classes):
    labels, classes = np.asarray(labels), np.asarray(classes)
    _names(labels, classes)
    top = 0
    for c in np.unique(labels):
        top += np.bincount(classes[labels == c]).max()
    return float(top / len(labels))
''',
        ("test_purity_and_nmi_ignore_names",)),
    "nmi_geometric_mean": (
        "NMI divides by the geometric mean sqrt(H(labels) H(classes)) instead of the arithmetic mean",
        _LEARNER + '''
def nmi(labels, classes):
    T = _table(labels, classes)
    p = T / T.sum()
    pi, pj = p.sum(axis=1), p.sum(axis=0)
    nz = p > 0
    info = np.sum(p[nz] * np.log(p[nz] / np.outer(pi, pj)[nz]))
    h = lambda q: -np.sum(q[q > 0] * np.log(q[q > 0]))
    if h(pi) == 0 and h(pj) == 0:
        return 1.0
    if h(pi) == 0 or h(pj) == 0:
        return 0.0
    return float(min(max(info / np.sqrt(h(pi) * h(pj)), 0.0), 1.0))
''',
        ("test_nmi_uses_the_arithmetic_mean_of_the_entropies",)),
    "nmi_single_groups_score_zero": (
        "NMI returns 0 whenever an entropy is 0, also for one cluster against one class (the same partition)",
        _LEARNER + '''
def nmi(labels, classes):
    T = _table(labels, classes)
    p = T / T.sum()
    pi, pj = p.sum(axis=1), p.sum(axis=0)
    nz = p > 0
    info = np.sum(p[nz] * np.log(p[nz] / np.outer(pi, pj)[nz]))
    h = lambda q: -np.sum(q[q > 0] * np.log(q[q > 0]))
    if h(pi) + h(pj) == 0:
        return 0.0
    return float(min(max(2 * info / (h(pi) + h(pj)), 0.0), 1.0))
''',
        ("test_nmi_of_independent_partitions_is_zero",)),
}

SLOW = {
    "assignment_row_by_row": (
        "each round assigns the rows one at a time: a Python loop over rows",
        _LEARNER + _KMEANS + '''
def _round_assign(U, centers):
    labels = np.empty(len(U), dtype=np.int64)
    for i in range(len(U)):
        labels[i] = int(np.argmax(centers @ U[i]))
    return labels
'''),
    "cluster_sums_row_by_row": (
        "each round sums every cluster afresh, adding its rows one at a time: a Python loop over rows",
        _LEARNER + _KMEANS + '''
def _round_means(U, labels, centers):
    sums = np.zeros_like(centers)
    for i in range(len(U)):
        sums[labels[i]] += U[i]
    norms = np.linalg.norm(sums, axis=1)
    new = centers.copy()
    new[norms > 0] = sums[norms > 0] / norms[norms > 0, None]
    return new
'''),
    "seeding_distances_row_by_row": (
        "k-means++ updates each row's distance to the nearest center in a Python loop over rows",
        '''
def _seeds(U, k, rng):
    n = len(U)
    chosen = np.empty(k, dtype=np.int64)
    chosen[0] = rng.integers(n)
    nearest = _cosine_distance(U, U[chosen[0]])
    for j in range(1, k):
        cumulative = np.cumsum(nearest * nearest)
        if not cumulative[-1] > 0:
            raise ValueError(f"k = {k} is more than the number of distinct rows of X: only {j}")
        i = min(int(np.searchsorted(cumulative, rng.random() * cumulative[-1], side="right")), n - 1)
        chosen[j] = i
        c = U[i]
        for r in range(n):
            d = 1.0 - float(U[r] @ c)
            d = 0.0 if d < 1e-12 else d
            if d < nearest[r]:
                nearest[r] = d
    return chosen
'''),
}

CORRECT = {
    "choice_draws_and_loops_over_clusters": (
        "k-means++ with rng.choice and p = w / w.sum(), 1 - cos below 1e-12 taken as 0; the rounds "
        "with a Python loop over clusters (masks) for the repair and the means; the silhouette row by row",
        _LEARNER + _SEEDS + '''
def _weights(nearest):
    return nearest ** 2
''' + _KMEANS + _SILHOUETTE + '''

def purity(labels, classes):
    return float(_table(labels, classes).max(axis=1).sum() / len(np.asarray(labels)))


def nmi(labels, classes):
    T = _table(labels, classes)
    p = T / T.sum()
    pi, pj = p.sum(axis=1), p.sum(axis=0)
    nz = p > 0
    info = np.sum(p[nz] * np.log(p[nz] / np.outer(pi, pj)[nz]))
    h = lambda q: -np.sum(q[q > 0] * np.log(q[q > 0]))
    if h(pi) + h(pj) == 0:
        return 1.0
    return float(min(max(2 * info / (h(pi) + h(pj)), 0.0), 1.0))
'''),
    "chord_distances_and_pairwise_blocks": (
        "distances as half squared chords ||u - c||^2 / 2 (k-means++ and the assignment by argmin); "
        "the silhouette from blocks of 512 rows against all rows, summed per cluster with np.add.reduceat",
        _LEARNER + _KMEANS + '''
def _cosine_distance(U, c):
    diff = U - c
    d = 0.5 * np.einsum("ij,ij->i", diff, diff)
    return np.where(d < 1e-20, 0.0, d)


def _round_assign(U, centers):
    d = (U * U).sum(1)[:, None] - 2 * U @ centers.T + (centers * centers).sum(1)[None, :]
    return np.argmin(0.5 * d, axis=1)


def silhouette(X, labels):
    X, U = _points(X, allow_zero=True)
    labels = np.asarray(labels)
    if labels.ndim != 1 or len(labels) != len(U) or (labels.size and labels.dtype.kind not in "iu"):
        raise ValueError("labels needs one integer label per row of X")
    names, codes = np.unique(labels, return_inverse=True)
    codes = codes.ravel()
    if len(names) < 2:
        raise ValueError("the silhouette needs at least 2 clusters")
    order = np.argsort(codes, kind="stable")
    sizes = np.bincount(codes)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    Us, cs = U[order], codes[order]
    self_cos = np.einsum("ij,ij->i", Us, Us)
    total = 0.0
    for start in range(0, len(Us), 512):
        block = Us[start:start + 512]
        D = 1.0 - block @ Us.T
        sums = np.add.reduceat(D, starts, axis=1)
        own = cs[start:start + 512]
        r = np.arange(len(block))
        m = sizes[own]
        a = (sums[r, own] - (1.0 - self_cos[start:start + 512])) / np.maximum(m - 1, 1)
        means = sums / sizes
        means[r, own] = np.inf
        b = means.min(axis=1)
        a, b = np.maximum(a, 0.0), np.maximum(b, 0.0)
        top = np.maximum(a, b)
        s = np.divide(b - a, top, out=np.zeros_like(top), where=top > 0)
        total += s[m > 1].sum()
    return float(total / len(Us))
'''),
}
