"""Kata 6 — collapse detection (reference solution)."""

import numpy as np

_COMPLETE_SPREAD = 1e-3   # spread below this: every row is (nearly) the same point
_COLLAPSED_RANK = 0.25    # rank_ratio below this: the data uses a small subspace
_ANISOTROPIC_COSINE = 0.5  # mean cosine above this: the rows share a common direction


def _check_data(X):
    """X as a 2-D float64 array with at least 2 rows, 1 column and finite entries."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (n, d) with one sample per row, got shape {X.shape}")
    n, d = X.shape
    if n < 2:
        raise ValueError(f"too few samples: X needs at least 2 rows, got {n}")
    if d < 1:
        raise ValueError("X needs at least one column")
    if not np.isfinite(X).all():
        raise ValueError("X must be finite (it contains NaN or inf)")
    return X


def _centered_singular_values(X):
    """(s, scale): singular values of the centered X / scale, with scale = max|X|.

    Dividing by the largest entry keeps huge and tiny data away from overflow and underflow.
    Subtracting the first row before the mean makes identical rows center to exact zeros
    (X - X.mean(0) alone leaves rounding noise around 1e-17 there).
    """
    scale = np.abs(X).max()
    if scale == 0:
        return np.zeros(min(X.shape)), 0.0
    Z = X / scale
    Z = Z - Z[0]
    Z = Z - Z.mean(axis=0)
    return np.linalg.svd(Z, compute_uv=False), float(scale)


def _entropy_rank(s):
    """exp of the Shannon entropy of p = s / sum(s), over p > 0; 0.0 when s is all zeros."""
    total = s.sum()
    if total == 0:
        return 0.0
    p = s[s > 0] / total
    return float(np.exp(-np.sum(p * np.log(p))))


def _spectrum(s, scale, n, d):
    """Covariance eigenvalues (s * scale)^2 / (n - 1), padded with zeros to length d.

    An eigenvalue above the largest float64 (about 1.8e308, from entries around 1e154 and
    beyond) cannot be returned: a ValueError says so, where inf would be a silent wrong
    answer. The scale-free measures (effective rank, mean cosine, diagnose) never need it.
    """
    eigenvalues = np.zeros(d)
    with np.errstate(over="ignore"):
        eigenvalues[:s.size] = (s * (scale / np.sqrt(n - 1))) ** 2
    if not np.isfinite(eigenvalues).all():
        raise ValueError("the covariance of X overflows float64: its largest eigenvalue is above 1.8e308 "
                         "(scale X down first; effective_rank, mean_cosine and diagnose work at any scale)")
    return eigenvalues


def _unit_row_sum(X):
    """(sum_i x_i / ||x_i||, number of nonzero rows) in O(n d), without building the unit rows.

    The sum is w @ X with w_i = 1 / ||x_i||. Rows whose squared norm would underflow or
    overflow (entries below about 1e-140 or above 1e140) are first divided by their largest
    entry, which leaves their direction unchanged; zero rows add nothing.
    """
    squared = np.einsum("ij,ij->i", X, X)
    safe = (squared > 1e-280) & (squared < 1e280)
    weights = np.zeros(len(X))
    weights[safe] = 1.0 / np.sqrt(squared[safe])
    total = weights @ X
    rest = X[~safe]
    peak = np.abs(rest).max(axis=1, initial=0.0)
    rest = rest[peak > 0] / peak[peak > 0, None]
    total += (rest / np.linalg.norm(rest, axis=1, keepdims=True)).sum(axis=0)
    return total, np.count_nonzero(safe) + len(rest)


def covariance_spectrum(X):
    X = _check_data(X)
    n, d = X.shape
    s, scale = _centered_singular_values(X)
    return _spectrum(s, scale, n, d)


def effective_rank(X):
    X = _check_data(X)
    s, _ = _centered_singular_values(X)
    return _entropy_rank(s)


def _mean_cosine(X):
    n = X.shape[0]
    total, nonzero = _unit_row_sum(X)
    # sum_{i != j} u_i . u_j = ||sum_i u_i||^2 - sum_i ||u_i||^2, and ||u_i||^2 is 1 or 0
    off_diagonal = float(total @ total) - nonzero
    return float(np.clip(off_diagonal / (n * (n - 1)), -1.0, 1.0))


def mean_cosine(X):
    return _mean_cosine(_check_data(X))


def diagnose(X):
    X = _check_data(X)
    n, d = X.shape
    s, scale = _centered_singular_values(X)
    variance = s ** 2  # proportional to the spectrum: (n - 1) * spectrum / scale^2
    total_variance = variance.sum()
    explained = np.zeros(d)
    if total_variance > 0:
        explained[:s.size] = variance / total_variance
    rank = _entropy_rank(s)
    cosine = _mean_cosine(X)
    Z = X / scale if scale > 0 else X
    squared_norms = np.einsum("ij,ij->", Z, Z)  # sum_i ||x_i||^2, in units of scale^2
    spread = float(np.sqrt(min(total_variance / squared_norms, 1.0))) if squared_norms > 0 else 0.0
    rank_ratio = rank / min(n - 1, d)
    if spread < _COMPLETE_SPREAD:
        status = "complete_collapse"
    elif rank_ratio < _COLLAPSED_RANK:
        status = "dimensional_collapse"
    elif cosine > _ANISOTROPIC_COSINE:
        status = "anisotropic"
    else:
        status = "healthy"
    return {
        "status": status,
        "effective_rank": rank,
        "mean_cosine": cosine,
        "explained_variance": explained,
        "spread": spread,
        "rank_ratio": float(rank_ratio),
    }
