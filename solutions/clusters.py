"""Kata 11 — do good embeddings cluster and separate? (reference solution)"""

import numpy as np

_BLOCK_ENTRIES = 1 << 20  # entries of one block of row-to-cluster scores: 8 MiB of float64
_NEAR = 1e-10             # cosine distances below this are recomputed exactly (see _cosine_distance)
_SAME = 1e-20             # and below this (directions < about 1e-10 radians apart) they are 0
_SLACK = 1e-9             # a lead below this may be rounding (cosines are off by about d * 1e-16): score the row


# ---------------------------------------------------------------- input checks

def _check_rows(X, name="X"):
    """X as a float64 (n, d) array with n >= 1 and d >= 1, or a ValueError. Whether it is
    finite is checked by _unit_rows, from the squared norms it needs anyway."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"{name} must be 2-D (n, d) with one sample per row, got shape {X.shape}")
    if X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(f"{name} needs at least one row and one column, got shape {X.shape}")
    return X


def _check_int(value, name, low, high=None):
    """value as a Python int in low..high (no upper bound if high is None), or a ValueError."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if value < low or (high is not None and value > high):
        raise ValueError(f"{name} must be in {low}..{'' if high is None else high}, got {value}")
    return int(value)


def _check_labels(labels, name="labels", n=None):
    """labels as a 1-D integer array (of length n if given), or a ValueError."""
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ValueError(f"{name} must be 1-D, one label per row, got shape {labels.shape}")
    if labels.size and labels.dtype.kind not in "iu":
        raise ValueError(f"{name} must be integers, got dtype {labels.dtype}")
    if n is not None and labels.size != n:
        raise ValueError(f"{name} must have one label per row of X: {n}, got {labels.size}")
    return labels.astype(np.int64, copy=False)


def _partitions(labels, classes):
    """Both labelings as codes 0..k-1 and 0..c-1, checked: 1-D integers of the same length >= 1."""
    labels, classes = _check_labels(labels), _check_labels(classes, "classes")
    if labels.size != classes.size:
        raise ValueError(f"labels and classes must have the same length, got {labels.size} and {classes.size}")
    if labels.size == 0:
        raise ValueError("labels and classes must not be empty")
    _, a = np.unique(labels, return_inverse=True)
    _, b = np.unique(classes, return_inverse=True)
    return a.ravel(), b.ravel()


# ---------------------------------------------------------------- the sphere

def _unit_rows(X):
    """(U, nonzero): X's rows scaled to unit length (zero rows stay zero), and which rows are
    not zero; a ValueError if X holds NaN or inf.

    A NaN or inf entry makes its row's squared norm NaN or inf, so finite norms clear X
    without a pass of np.isfinite over it. Squared norms that would overflow or underflow
    (entries beyond about 1e+-150) are taken after dividing the row by its largest entry,
    which leaves its direction unchanged.
    """
    squared = np.einsum("ij,ij->i", X, X)
    safe = (squared > 1e-290) & (squared < 1e290)
    if safe.all():
        return X / np.sqrt(squared)[:, None], np.ones(len(X), dtype=bool)
    if not np.isfinite(X).all():
        raise ValueError("X must be finite: it holds NaN or inf")
    peak = np.abs(X).max(axis=1, keepdims=True)
    Y = X / np.where(peak > 0, peak, 1.0)
    norms = np.sqrt(np.einsum("ij,ij->i", Y, Y))[:, None]
    return Y / np.where(norms > 0, norms, 1.0), norms[:, 0] > 0


def _sphere(X):
    """The unit rows of a checked X that has no zero row (a zero vector has no direction)."""
    U, nonzero = _unit_rows(_check_rows(X))
    if not nonzero.all():
        raise ValueError(f"X has a zero row (row {int(np.argmin(nonzero))}): a zero vector has no direction "
                         "to cluster on the sphere")
    return U


def _cosine_distance(U, c):
    """1 - cos between every unit row of U and the unit vector c, never negative.

    1 - U @ c is one matrix-vector product, but it loses digits near 0: a row equal to c
    gives rounding noise of about 1e-16 instead of 0. There 1 - cos = ||u - c||^2 / 2 is
    recomputed from the difference, and what is left below _SAME is the rounding of two
    rows with one direction (x and 3x normalize to unit rows a few ulps apart): 0.
    """
    dist = 1.0 - U @ c
    near = np.flatnonzero(dist < _NEAR)
    diff = U[near] - c
    chord = 0.5 * np.einsum("ij,ij->i", diff, diff)
    dist[near] = np.where(chord < _SAME, 0.0, chord)
    return dist


def _seeds(U, k, rng):
    """k-means++ on the unit rows U: k row indices, or a ValueError when fewer directions exist."""
    n = len(U)
    chosen = np.empty(k, dtype=np.int64)
    chosen[0] = rng.integers(n)
    nearest = _cosine_distance(U, U[chosen[0]])  # each row's distance to its nearest center so far
    for j in range(1, k):
        cumulative = np.cumsum(nearest * nearest)
        total = cumulative[-1]
        if not total > 0:
            raise ValueError(f"k = {k} is more than the number of distinct rows of X (directions, after "
                             f"normalization): only {j}")
        i = int(np.searchsorted(cumulative, rng.random() * total, side="right"))
        if i == n:  # rng.random() * total rounded up to total: the last row that can be drawn
            i = int(np.flatnonzero(nearest)[-1])
        chosen[j] = i
        np.minimum(nearest, _cosine_distance(U, U[i]), out=nearest)
    return chosen


def _rng(seed):
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise ValueError(f"seed must be an integer, got {seed!r}")
    return np.random.default_rng(int(seed))


def kmeans_plus_plus(X, k, seed=0):
    U = _sphere(X)
    k = _check_int(k, "k", 1, len(U))
    return _seeds(U, k, _rng(seed))


# ---------------------------------------------------------------- spherical k-means

def _blocks(n, width):
    """Row ranges of a loop over n rows whose blocks of `width` columns hold _BLOCK_ENTRIES entries."""
    step = max(1, _BLOCK_ENTRIES // max(width, 1))
    return [(start, min(start + step, n)) for start in range(0, n, step)]


def _assign(U, centers, rows=None):
    """(labels, lead) of the rows U[rows] (all rows if None): each row's most similar center,
    argmax over centers of U @ centers.T with ties to the lower index, and by how much its cosine
    with that center beats its cosine with the next best one (0 for a tie, inf if k = 1).

    The scores are computed as centers @ U.T, one row of scores per center. Then the largest
    score of every row of U is an elementwise maximum of k long rows, a fast reduction along
    axis 0, where argmax(axis=1) of U @ centers.T would be a separate call over only k numbers
    for each row. The lowest center that reaches that maximum is found the same way: among the
    centers j whose score equals it, the largest rank k - j."""
    k = len(centers)
    rank = (k - np.arange(k, dtype=np.min_scalar_type(k)))[:, None]  # k for center 0, ..., 1 for center k - 1
    n = len(U) if rows is None else len(rows)
    labels, lead = np.empty(n, dtype=np.int64), np.full(n, np.inf)
    for start, stop in _blocks(n, k):
        scores = centers @ (U[start:stop] if rows is None else U[rows[start:stop]]).T
        best = scores.max(axis=0)
        labels[start:stop] = k - ((scores == best) * rank).max(axis=0)  # exact: best is one of the scores
        if k > 1:
            scores[labels[start:stop], np.arange(stop - start)] = -np.inf
            lead[start:stop] = best - scores.max(axis=0)
    return labels, lead


def _reassign(U, centers, labels, lead, shift):
    """The labels _assign(U, centers) gives, from scoring only the rows whose label can change
    (Hamerly's bounds, on the sphere); lead is brought up to date in place.

    lead is by how much each row's center beat the next best one when the row was last scored,
    and shift how far each center moved since the last round. A center that moves by
    ||c' - c|| changes a unit row's cosine with it by at most that much (Cauchy-Schwarz), so a
    lead shrinks by at most its own center's shift plus the largest shift of the others. While
    it stays above _SLACK the row keeps its label, as a full round would find; the other rows,
    ties among them, are scored again."""
    lead -= shift[labels] + shift.max()
    stale = np.flatnonzero(lead < _SLACK)
    if 2 * len(stale) > len(U):  # most rows: scoring them all is cheaper than picking them out
        new, lead[:] = _assign(U, centers)
    else:
        new = labels.copy()
        new[stale], lead[stale] = _assign(U, centers, stale)
    return new


def _repair(U, centers, labels):
    """Give every empty cluster a row, in place: for each empty cluster in turn, the row farthest
    from its own center (lowest cosine, ties to the lower row index) among the rows whose
    cluster keeps at least one other row, so that no cluster is emptied in turn. Returns the
    rows it moved."""
    k = len(centers)
    counts = np.bincount(labels, minlength=k)
    moved = []
    if counts.all():
        return moved
    best = np.einsum("ij,ij->i", U, centers[labels])  # each row's cosine with its own center
    for j in np.flatnonzero(counts == 0):
        movable = counts[labels] >= 2
        i = int(np.argmin(np.where(movable, best, np.inf)))
        counts[labels[i]] -= 1
        counts[j] = 1
        labels[i] = j
        moved.append(i)
    return moved


def _cluster_sums(U, labels, k, old=None):
    """(k, d): the sum of the rows of each cluster, as one-hot rows times U, a block at a time.
    Given the rows' old labels too, the change of those sums when the rows move from their old
    clusters to `labels`: +1 in the new cluster and -1 in the old one, times U."""
    sums = np.zeros((k, U.shape[1]))
    clusters = np.arange(k)[:, None]
    for start, stop in _blocks(len(U), k):
        onehot = (labels[start:stop] == clusters).astype(np.float64)
        if old is not None:
            onehot -= old[start:stop] == clusters
        sums += onehot @ U[start:stop]
    return sums


def spherical_kmeans(X, k, iters=100, seed=0):
    U = _sphere(X)
    k = _check_int(k, "k", 1, len(U))
    iters = _check_int(iters, "iters", 1)
    centers = U[_seeds(U, k, _rng(seed))]
    labels = None
    for _ in range(iters):
        if labels is None:
            new, lead = _assign(U, centers)
        else:
            new = _reassign(U, centers, labels, lead, shift)
            if np.array_equal(new, labels):
                break
        lead[_repair(U, centers, new)] = -np.inf  # a row moved to an empty cluster is scored next round
        if labels is None:
            sums = _cluster_sums(U, new, k)
        else:
            # Only the rows that changed cluster change the sums, and after the first rounds they
            # are a few in a hundred or fewer: adding what moved in and taking out what moved out
            # costs a fraction of summing every cluster again. It is the same sum in another
            # order: the same bits wherever the additions are exact (as in hand-built cases with
            # ties), a difference of rounding otherwise.
            changed = np.flatnonzero(new != labels)
            sums += _cluster_sums(U[changed], new[changed], k, old=labels[changed])
        labels = new
        norms = np.linalg.norm(sums, axis=1)
        moved = norms > 0  # rows that cancel exactly (x and -x) have no mean direction: keep the center
        before = centers.copy()
        centers[moved] = sums[moved] / norms[moved, None]
        shift = np.linalg.norm(centers - before, axis=1)
    return labels, centers


# ---------------------------------------------------------------- silhouette

def silhouette(X, labels):
    """The mean cosine distance of a row to a cluster is 1 - u . s_c / m_c, with s_c the sum of
    the cluster's m_c unit rows: so every a and b comes from the (k, d) sums, in O(n k d) time,
    a block of rows at a time (O(block * k) memory), and never from an n x n matrix."""
    X = _check_rows(X)
    n = len(X)
    labels = _check_labels(labels, n=n)
    _, codes, sizes = np.unique(labels, return_inverse=True, return_counts=True)
    codes = codes.ravel()
    k = len(sizes)
    if k < 2:
        raise ValueError(f"the silhouette needs at least 2 clusters, got {k}")
    U, nonzero = _unit_rows(X)  # zero rows stay zero: cosine 0, distance 1, with every other row
    sums = _cluster_sums(U, codes, k)
    total = 0.0
    for start, stop in _blocks(n, k):
        own = codes[start:stop]
        rows = np.arange(stop - start)
        dots = U[start:stop] @ sums.T
        m = sizes[own]
        # a: the m - 1 others of its own cluster (its own dot product, 1 or 0, taken out)
        a = 1.0 - (dots[rows, own] - nonzero[start:stop]) / np.maximum(m - 1, 1)
        mean = 1.0 - dots / sizes
        mean[rows, own] = np.inf
        b = mean.min(axis=1)
        a, b = np.maximum(a, 0.0), np.maximum(b, 0.0)
        top = np.maximum(a, b)
        score = np.divide(b - a, top, out=np.zeros_like(top), where=top > 0)
        total += score[m > 1].sum()  # a row alone in its cluster scores 0
    return float(total / n)


# ---------------------------------------------------------------- external measures

def _contingency(labels, classes):
    """(pairs, rows, columns, n): the nonzero cells of the contingency table of the two labelings
    as (cluster, class, count) columns, and each labeling's sizes. Only the cells that occur are
    built: O(n log n), whatever the numbers of clusters and classes."""
    a, b = _partitions(labels, classes)
    width = int(b.max()) + 1
    cells, counts = np.unique(a * width + b, return_counts=True)
    return (cells // width, cells % width, counts), np.bincount(a), np.bincount(b), a.size


def purity(labels, classes):
    (cluster, _, counts), _, _, n = _contingency(labels, classes)
    best = np.zeros(int(cluster.max()) + 1, dtype=np.int64)
    np.maximum.at(best, cluster, counts)  # each cluster's largest class
    return float(best.sum() / n)


def _entropy(sizes, n):
    p = sizes[sizes > 0] / n
    return float(-np.sum(p * np.log(p)))


def nmi(labels, classes):
    (_, _, counts), rows, columns, n = _contingency(labels, classes)
    h_labels, h_classes = _entropy(rows, n), _entropy(columns, n)
    if h_labels + h_classes == 0:  # one cluster and one class: the same partition
        return 1.0
    # I(U; V) = H(U) + H(V) - H(U, V): for identical partitions H(U, V) = H(U) = H(V) term by
    # term, so the result is exactly 1.0; independent ones give 0 up to rounding, clipped
    info = max(h_labels + h_classes - _entropy(counts, n), 0.0)
    return float(min(2.0 * info / (h_labels + h_classes), 1.0))
