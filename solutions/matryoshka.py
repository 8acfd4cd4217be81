"""Kata 7 — Matryoshka embeddings (reference solution)."""

import numbers

import numpy as np


# ---------------------------------------------------------------- validation

def _matrix(X, name):
    """X as a finite 2-D float64 array (n, d) with d >= 1, or a ValueError."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] == 0:
        raise ValueError(f"{name} must be 2-D (n, d) with d >= 1, got shape {X.shape}")
    if not np.isfinite(X).all():
        raise ValueError(f"{name} must hold finite numbers (no NaN or inf)")
    return X


def _same_width(X, Y, x_name, y_name):
    X, Y = _matrix(X, x_name), _matrix(Y, y_name)
    if X.shape[1] != Y.shape[1]:
        raise ValueError(f"{x_name} and {y_name} must have the same number of columns d, "
                         f"got {x_name} {X.shape} and {y_name} {Y.shape}")
    return X, Y


def _integer(value, name):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    return int(value)


def _dim(value, d, name):
    """An integer in 1..d (a negative dim is an error, not numpy's count from the end)."""
    value = _integer(value, name)
    if not 1 <= value <= d:
        raise ValueError(f"{name} must be in 1..{d} (the number of columns), got {value}")
    return value


def _dims(dims, d):
    """dims as a tuple of ints, non-empty, strictly increasing, each in 1..d."""
    if isinstance(dims, (str, bytes)) or not hasattr(dims, "__len__") or np.ndim(dims) != 1:
        raise ValueError(f"dims must be a sequence of prefix sizes such as [8, 16, 32], got {dims!r}")
    if len(dims) == 0:
        raise ValueError("dims is empty: give at least one prefix size")
    dims = tuple(_dim(m, d, "every entry of dims") for m in dims)
    if any(a >= b for a, b in zip(dims, dims[1:])):
        raise ValueError(f"dims must be strictly increasing, got {list(dims)}")
    return dims


def _weights(weights, dims):
    """One finite weight >= 0 per prefix size, in the order of dims.

    weights is None (every weight 1), a sequence aligned with dims (weights[i] weighs
    dims[i]), or a dict {m: weight} with exactly the sizes of dims as keys.
    """
    if weights is None:
        return (1.0,) * len(dims)
    if isinstance(weights, dict):
        keys = set(weights)
        if keys != set(dims):
            raise ValueError(f"weights as a dict needs exactly the keys {list(dims)}, got {sorted(keys, key=str)}")
        values = [weights[m] for m in dims]
    else:
        if isinstance(weights, (str, bytes)) or not hasattr(weights, "__len__") or np.ndim(weights) != 1:
            raise ValueError(f"weights must be None, a sequence aligned with dims, or a dict {{m: weight}}, "
                             f"got {weights!r}")
        if len(weights) != len(dims):
            raise ValueError(f"weights has {len(weights)} entries but dims has {len(dims)}: "
                             "give one weight per prefix size")
        values = list(weights)
    try:
        values = [float(w) for w in values]
    except (TypeError, ValueError):
        raise ValueError(f"weights must be numbers, got {weights!r}") from None
    if not all(np.isfinite(w) and w >= 0 for w in values):
        raise ValueError(f"weights must be finite and >= 0, got {values}")
    return tuple(values)


def _positive(value, name):
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number > 0, got {value!r}") from None
    if not value > 0 or not np.isfinite(value):
        raise ValueError(f"{name} must be > 0 and finite, got {value!r}")
    return value


def _batch_pair(z1, z2):
    z1, z2 = _matrix(z1, "z1"), _matrix(z2, "z2")
    if z1.shape != z2.shape:
        raise ValueError(f"z1 and z2 must have the same shape, got {z1.shape} and {z2.shape}")
    if z1.shape[0] == 0:
        raise ValueError("the batch is empty: z1 and z2 need at least one row")
    return z1, z2


# ---------------------------------------------------------------- building blocks

def _row_norms(X):
    """L2 norm of every row, shape (n, 1), without overflow or underflow.

    Rows whose sum of squares overflows (entries above ~1e154) or underflows are
    recomputed after dividing by their largest entry.
    """
    with np.errstate(over="ignore", under="ignore"):
        sq = np.einsum("ij,ij->i", X, X)
    norms = np.sqrt(sq)
    risky = ~np.isfinite(sq) | (sq < 1e-200)
    if risky.any():
        R = X[risky]
        scale = np.max(np.abs(R), axis=1, keepdims=True)
        R = R / np.where(scale > 0, scale, 1.0)
        norms[risky] = scale[:, 0] * np.sqrt(np.einsum("ij,ij->i", R, R))
    return norms[:, None]


def _unit_rows(X):
    """(U, norms): rows of X scaled to length 1 (zero rows stay zero), and their norms (n, 1)."""
    norms = _row_norms(X)
    return X / np.where(norms > 0, norms, 1.0), norms


def _prefix_term(z1, z2, temperature):
    """(loss, dz1, dz2) of InfoNCE on one pair of prefixes (B, m), each row normalized on its own.

    dL/dS = (softmax(S) - I) / B; back to n1, n2 through S = n1 @ n2.T / T, then through
    n = z / ||z|| with the Jacobian (I - n n^T) / ||z||. A zero row normalizes to zeros: the
    loss has no derivative there, and its gradient is taken as 0.
    """
    B = z1.shape[0]
    n1, r1 = _unit_rows(z1)
    n2, r2 = _unit_rows(z2)
    S = (n1 / temperature) @ n2.T
    positives = np.diagonal(S).copy()
    top = S.max(axis=1, keepdims=True)
    P = np.exp(S - top)  # every exponent <= 0: no overflow
    totals = P.sum(axis=1, keepdims=True)
    loss = float(np.mean(top[:, 0] + np.log(totals[:, 0]) - positives))
    P /= totals                           # row softmax
    P[np.diag_indices(B)] -= 1.0          # softmax - I
    P *= 1.0 / (B * temperature)          # the mean over rows and the logits' 1/T
    dn1 = P @ n2
    dn2 = P.T @ n1
    return loss, _normalize_backward(n1, r1, dn1), _normalize_backward(n2, r2, dn2)


def _normalize_backward(n, norms, dn):
    """Gradient with respect to z of a loss whose gradient with respect to n = z / ||z|| is dn.

    Row by row the Jacobian (I - n n^T) / ||z|| applied to dn; rows of length 0 get 0.
    """
    radial = np.einsum("ij,ij->i", n, dn)[:, None]
    inverse = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    return (dn - radial * n) * inverse


def _best(scores, k):
    """Indices of the k highest scores of each row, best first, ties to the lower index.

    np.partition finds each row's k-th best value in O(n); only the entries at least that
    good (k of them, more when ties straddle the cut) are then sorted by (row, -score, index).
    """
    n_rows, n = scores.shape
    if n_rows == 0:
        return np.empty((0, k), dtype=np.intp)
    kth = np.partition(scores, n - k, axis=1)[:, n - k]  # each row's k-th best score
    rows, cols = np.nonzero(scores >= kth[:, None])
    order = np.lexsort((cols, -scores[rows, cols], rows))
    rows, cols = rows[order], cols[order]
    starts = np.searchsorted(rows, np.arange(n_rows))
    return cols[starts[:, None] + np.arange(k)]


# ---------------------------------------------------------------- the kata

def truncate(Z, dim):
    Z = _matrix(Z, "Z")
    dim = _dim(dim, Z.shape[1], "dim")
    unit, _ = _unit_rows(Z[:, :dim])
    return unit


def matryoshka_info_nce(z1, z2, dims, temperature=0.1, weights=None):
    z1, z2 = _batch_pair(z1, z2)
    dims = _dims(dims, z1.shape[1])
    weights = _weights(weights, dims)
    temperature = _positive(temperature, "temperature")
    loss = 0.0
    dz1, dz2 = np.zeros_like(z1), np.zeros_like(z2)
    for m, w in zip(dims, weights):
        term, g1, g2 = _prefix_term(z1[:, :m], z2[:, :m], temperature)
        loss += w * term
        dz1[:, :m] += w * g1  # the prefix's gradient, padded with zeros beyond column m
        dz2[:, :m] += w * g2
    return float(loss), dz1, dz2


def funnel_search(queries, keys, k, coarse_dim, shortlist):
    Q, K = _same_width(queries, keys, "queries", "keys")
    n_keys, d = K.shape
    k = _integer(k, "k")
    shortlist = _integer(shortlist, "shortlist")
    coarse_dim = _dim(coarse_dim, d, "coarse_dim")
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    if shortlist < k:
        raise ValueError(f"shortlist ({shortlist}) must be >= k ({k}): the re-ranking can only "
                         "return keys of the shortlist")
    if shortlist > n_keys:
        raise ValueError(f"shortlist ({shortlist}) is larger than the number of keys ({n_keys})")

    # Pass 1: cosine on the first coarse_dim columns, each prefix re-normalized: n_keys * coarse_dim.
    coarse_q, _ = _unit_rows(Q[:, :coarse_dim])
    coarse_k, _ = _unit_rows(K[:, :coarse_dim])
    candidates = _best(coarse_q @ coarse_k.T, shortlist)  # (n_queries, shortlist), best first

    # Pass 2: full cosine of the shortlisted keys only: shortlist * d per query.
    n_queries = Q.shape[0]
    full_q, _ = _unit_rows(Q)
    picked, _ = _unit_rows(K[candidates.reshape(-1)])
    full = np.einsum("qsd,qd->qs", picked.reshape(n_queries, shortlist, d), full_q)
    order = np.lexsort((candidates, -full), axis=-1)  # by full cosine, then by key index
    return np.take_along_axis(candidates, order, axis=1)[:, :k]


def _key_indices(ids, name):
    """ids as an integer array (an empty one of any dtype included), or a ValueError."""
    ids = np.asarray(ids)
    if ids.size == 0 and ids.dtype.kind in "biuf":
        return ids.astype(np.intp)
    if ids.dtype == bool or ids.dtype.kind not in "iu":
        raise ValueError(f"{name} must hold integer key indices (floats, even 2.0, and bools are not ids), "
                         f"got dtype {ids.dtype}")
    return ids


def recall_at_k(retrieved, targets):
    retrieved, targets = _key_indices(retrieved, "retrieved"), _key_indices(targets, "targets")
    if retrieved.ndim != 2:
        raise ValueError(f"retrieved must be 2-D (n, k), one row of indices per query, got shape {retrieved.shape}")
    if targets.ndim != 1 or targets.shape[0] != retrieved.shape[0]:
        raise ValueError(f"targets must be 1-D with one index per row of retrieved ({retrieved.shape[0]}), "
                         f"got shape {targets.shape}")
    if retrieved.shape[0] == 0:
        raise ValueError("retrieved has no rows: the recall of zero queries is undefined")
    hits = (retrieved == targets[:, None]).any(axis=1)  # a row counts once, however often it holds the target
    return float(hits.mean())
