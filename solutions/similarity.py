"""Kata 2 — distance, angle and neighbours (reference solution)."""

import numbers

import numpy as np

_METRICS = ("cosine", "dot", "euclidean")
_METHODS = ("3cosadd", "3cosmul")


def _as_matrix(X, name):
    """X as a finite 2-D float64 array (n, d) with d >= 1, or a ValueError.

    A 1-D vector is an error, not one row: shapes are not guessed."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] == 0:
        hint = " (a single vector x is x[None, :])" if X.ndim == 1 else ""
        raise ValueError(f"{name} must be 2-D (n, d) with d >= 1, got shape {X.shape}{hint}")
    if not np.isfinite(X).all():
        raise ValueError(f"{name} must hold finite numbers (no NaN or inf)")
    return X


def _pair(X, Y, x_name="X", y_name="Y"):
    """(X, Y) as matrices of the same width; Y is None when it defaults to X."""
    X = _as_matrix(X, x_name)
    if Y is None:
        return X, None
    Y = _as_matrix(Y, y_name)
    if Y.shape[1] != X.shape[1]:
        raise ValueError(f"{x_name} and {y_name} must have the same dimension d, "
                         f"got {x_name} {X.shape} and {y_name} {Y.shape}")
    return X, Y


def _check_count(n, name):
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"{name} must be a positive integer, got {n!r}")
    return int(n)


def _check_eps(eps, positive):
    """eps as a float: > 0 (positive) or >= 0, or a ValueError (a bool or a string is no eps)."""
    if isinstance(eps, (bool, np.bool_)) or not isinstance(eps, numbers.Real) or \
            not (eps > 0 if positive else eps >= 0):
        raise ValueError(f"eps must be a number {'> 0' if positive else '>= 0'}, got {eps!r}")
    return float(eps)


def _check_index(i, size, name):
    if isinstance(i, (bool, np.bool_)) or not isinstance(i, (int, np.integer)) or not 0 <= i < size:
        raise ValueError(f"{name} must be an index in 0..{size - 1}, got {i!r}")
    return int(i)


def _sq_norms(X):
    """Squared L2 norm of every row, (n,), without an (n, d) temporary."""
    return np.einsum("ij,ij->i", X, X)


def _row_norms(X):
    """L2 norm of every row, shape (n, 1), without overflow or underflow.

    Rows whose sum of squares overflows (entries above ~1e154) or underflows are
    recomputed after dividing by their largest entry, as BLAS's nrm2 does.
    """
    with np.errstate(over="ignore", under="ignore"):
        sq = _sq_norms(X)
    norms = np.sqrt(sq)
    risky = ~np.isfinite(sq) | (sq < 1e-200)
    if risky.any():
        R = X[risky]
        scale = np.max(np.abs(R), axis=1, keepdims=True)
        R = R / np.where(scale > 0, scale, 1.0)
        norms[risky] = scale[:, 0] * np.sqrt(_sq_norms(R))
    return norms[:, None]


def normalize(X, eps=1e-12):
    X = _as_matrix(X, "X")
    eps = _check_eps(eps, positive=False)  # eps = 0: only exact zero rows become zeros
    norms = _row_norms(X)
    keep = (norms >= eps) & (norms > 0)
    out = X / np.where(keep, norms, 1.0)
    out[~keep[:, 0]] = 0.0  # too short to have a direction
    return out


def cosine_similarity(X, Y=None):
    X, Y = _pair(X, Y)
    Xn = normalize(X)
    Yn = Xn if Y is None else normalize(Y)
    S = Xn @ Yn.T
    return np.clip(S, -1.0, 1.0, out=S)  # rounding can give 1.0000000000000002


def sq_euclidean(X, Y=None):
    X, Y = _pair(X, Y)
    x2 = _sq_norms(X)
    y2 = x2 if Y is None else _sq_norms(Y)
    # ||x - y||^2 = ||x||^2 + ||y||^2 - 2 x.y, built in place: (n, m) memory, one matrix product.
    D = X @ (X if Y is None else Y).T
    D *= -2.0
    D += x2[:, None]
    D += y2[None, :]
    np.maximum(D, 0.0, out=D)  # cancellation can leave tiny negatives
    if Y is None:
        np.fill_diagonal(D, 0.0)  # ||x - x|| is exactly 0, whatever the rounding said
    return D


def _allowed(exclude, n_queries, n_keys):
    """Boolean (n_queries, n_keys) mask of the keys each query may return; None if all."""
    if exclude is None:
        return None
    if isinstance(exclude, (str, bytes)) or not hasattr(exclude, "__len__") or len(exclude) != n_queries:
        raise ValueError(f"exclude must hold one sequence of key indices per query ({n_queries})")
    allowed = np.ones((n_queries, n_keys), dtype=bool)
    for i, skip in enumerate(exclude):
        skip = np.asarray(skip)
        if skip.ndim != 1:
            raise ValueError(f"exclude[{i}] must be a sequence of key indices, got {skip!r}")
        if skip.size == 0:
            continue
        if skip.dtype == bool or skip.dtype.kind not in "iu":
            raise ValueError(f"exclude[{i}] must hold integer key indices, got dtype {skip.dtype}")
        if skip.min() < 0 or skip.max() >= n_keys:
            raise ValueError(f"exclude[{i}] holds an index out of range 0..{n_keys - 1}: {skip.tolist()}")
        allowed[i, skip] = False
    return allowed


def _best_k(scores, k, allowed=None):
    """Indices of the k highest scores of each row, best first, ties to the lower index.

    np.partition finds each row's k-th best value in O(n); only the entries at least that
    good (k of them, more when ties straddle the cut) are then sorted by (row, -score, index).
    """
    if allowed is not None:
        scores = np.where(allowed, scores, -np.inf)
    negated = -scores  # ascending order of -scores is best first
    negated.partition(k - 1, axis=1)
    kth = -negated[:, k - 1]  # each row's k-th best score
    candidates = scores >= kth[:, None]
    if allowed is not None:
        candidates &= allowed
    rows, cols = np.nonzero(candidates)
    order = np.lexsort((cols, -scores[rows, cols], rows))
    rows, cols = rows[order], cols[order]
    starts = np.searchsorted(rows, np.arange(scores.shape[0]))
    return cols[starts[:, None] + np.arange(k)]


def top_k(queries, keys, k, metric="cosine", exclude=None):
    Q, K = _pair(queries, keys, "queries", "keys")
    k = _check_count(k, "k")
    if not isinstance(metric, str) or metric not in _METRICS:
        raise ValueError(f"unknown metric {metric!r}: use one of {', '.join(_METRICS)}")
    allowed = _allowed(exclude, Q.shape[0], K.shape[0])
    remaining = K.shape[0] if allowed is None else allowed.sum(axis=1).min(initial=K.shape[0])
    if remaining < k:
        raise ValueError(f"k={k} but only {remaining} keys remain for some query "
                         f"({K.shape[0]} keys, minus the excluded ones)")
    if metric == "cosine":
        scores = cosine_similarity(Q, K)
    elif metric == "dot":
        scores = Q @ K.T
    else:
        scores = np.negative(sq_euclidean(Q, K))  # best = smallest distance
    return _best_k(scores, k, allowed)


def analogy(E, a, b, c, k=1, method="3cosadd", eps=1e-3):
    E = _as_matrix(E, "E")
    V = E.shape[0]
    a, b, c = (_check_index(i, V, name) for i, name in ((a, "a"), (b, "b"), (c, "c")))
    k = _check_count(k, "k")
    if not isinstance(method, str) or method not in _METHODS:
        raise ValueError(f"unknown method {method!r}: use one of {', '.join(_METHODS)}")
    eps = _check_eps(eps, positive=True)  # eps = 0 would divide by cos'(x, a) = 0
    allowed = np.ones(V, dtype=bool)
    allowed[[a, b, c]] = False  # the nearest word to b - a + c is usually b or c itself
    if allowed.sum() < k:  # a, b and c may repeat: only the distinct ones are excluded
        raise ValueError(f"k={k} but only {int(allowed.sum())} words remain once a, b, c are excluded")
    cos = cosine_similarity(E, E[[a, b, c]])  # (V, 3): cos(x, a), cos(x, b), cos(x, c)
    if method == "3cosadd":
        scores = cos[:, 1] - cos[:, 0] + cos[:, 2]
    else:
        shifted = (cos + 1.0) / 2.0  # into [0, 1], so that products and ratios keep their meaning
        scores = shifted[:, 1] * shifted[:, 2] / (shifted[:, 0] + eps)
    return _best_k(scores[None, :], k, allowed[None, :])[0]
