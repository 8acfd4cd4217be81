"""Kata 5 — whitening via SVD (reference solution)."""

import numpy as np

_METHODS = ("pca", "zca")
_BLOCK_ROWS = 4096  # rows centred at a time: a few MiB, instead of an (n, d) centred copy of X


def _check_data(X, name="X", min_rows=2, finite=True):
    """X as a float64 (n, d) array with n >= min_rows, finite, or a ValueError.

    finite=False skips the finiteness check, for callers that make it themselves from
    the column sums they need anyway (_principal_axes).
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"{name} must be 2-D (n, d) with one sample per row, got shape {X.shape}")
    if X.shape[0] < min_rows:
        raise ValueError(f"{name} needs at least {min_rows} rows (samples), got {X.shape[0]}")
    if X.shape[1] < 1:
        raise ValueError(f"{name} needs at least one column, got shape {X.shape}")
    if finite:
        _check_finite(X, _column_sums(X), name)
    return X


def _column_sums(X):
    """X.sum(axis=0), as the product ones @ X: BLAS runs it on every core, numpy's sum on one."""
    return np.ones(X.shape[0]) @ X


def _check_finite(X, sums, name="X"):
    """ValueError if X holds NaN or inf, given sums = _column_sums(X).

    A NaN or inf entry makes its column's sum NaN or inf, so finite sums clear X without
    a pass of np.isfinite over all of X. A sum that is not finite may also be finite
    entries adding up to an overflow, so only then is every entry checked.
    """
    if not np.isfinite(sums).all() and not np.isfinite(X).all():
        raise ValueError(f"{name} must be finite: it holds NaN or inf")


def _check_int(value, name, low, high):
    """value as a Python int in low..high, or a ValueError."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be in {low}..{high}, got {value}")
    return int(value)


def _principal_axes(X):
    """mu, s, U: the mean row, and Sigma = U diag(s) U^T, s descending; ValueError if X is not finite.

    Sigma = Xc^T Xc / (n - 1) is the covariance of the rows (ddof=1). Xc = X - mu is
    formed a block of rows at a time, and Xc^T Xc is the sum of the blocks' Xb^T Xb:
    centring first keeps full precision (X^T X - n mu mu^T would not, when the mean is
    large next to the spread), and no (n, d) copy of X is made. numpy computes Xb.T @ Xb,
    a matrix times its own transpose, with BLAS syrk: half the work of a general product.
    For a symmetric positive semi-definite matrix the SVD is the eigendecomposition;
    eigh returns it in ascending order, so reverse it, and clip rounding's tiny negative
    eigenvalues to 0.
    """
    n, d = X.shape
    sums = _column_sums(X)
    _check_finite(X, sums)
    mu = sums / n
    scatter = np.zeros((d, d))
    for start in range(0, n, _BLOCK_ROWS):
        Xb = X[start:start + _BLOCK_ROWS] - mu
        scatter += Xb.T @ Xb
    s, U = np.linalg.eigh(scatter / (n - 1))
    return mu, np.maximum(s[::-1], 0.0), U[:, ::-1]


def fit_whitening(X, dim=None, method="pca", eps=1e-8):
    X = _check_data(X, finite=False)  # _principal_axes checks it
    d = X.shape[1]
    if method not in _METHODS:
        raise ValueError(f"method must be 'pca' or 'zca', got {method!r}")
    if method == "zca" and dim is not None:
        raise ValueError(f"dim must be None for method='zca' (ZCA keeps all {d} dimensions), got {dim!r}")
    k = d if dim is None else _check_int(dim, "dim", 1, d)
    if isinstance(eps, bool) or not isinstance(eps, (int, float, np.integer, np.floating)) \
            or not 0 < eps < np.inf:
        raise ValueError(f"eps must be a finite number > 0, got {eps!r}")

    mu, s, U = _principal_axes(X)
    scale = 1.0 / np.sqrt(s + eps)  # eps inside the root: zero-variance directions stay finite
    if method == "pca":
        W = U[:, :k] * scale[:k]
    else:
        W = (U * scale) @ U.T
        W = (W + W.T) / 2  # symmetric exactly, not only up to rounding
    return mu, W


def _normalize_rows(Z):
    """Rows scaled to unit L2 norm; zero rows stay zero. Rescaled first, so no overflow."""
    peak = np.abs(Z).max(axis=1, keepdims=True)
    Z = Z / np.where(peak > 0, peak, 1.0)
    norms = np.linalg.norm(Z, axis=1, keepdims=True)
    return Z / np.where(norms > 0, norms, 1.0)


def apply_whitening(X, mu, W, normalize=False):
    X = _check_data(X, min_rows=0)
    W = np.asarray(W, dtype=np.float64)
    mu = np.asarray(mu, dtype=np.float64)
    d = X.shape[1]
    if W.ndim != 2 or W.shape[0] != d or W.shape[1] < 1:
        raise ValueError(f"W must have shape (d, k) = ({d}, k) to match X of shape {X.shape}, got {W.shape}")
    if mu.shape != (d,):
        raise ValueError(f"mu must have shape ({d},) to match X of shape {X.shape}, got {mu.shape}")
    if not (np.isfinite(W).all() and np.isfinite(mu).all()):
        raise ValueError("mu and W must be finite: they hold NaN or inf")
    # (X - mu) @ W a block of rows at a time: no (n, d) centred copy of X. Centring first (not
    # X @ W - mu @ W) keeps full precision, and a row equal to mu whitens to exact zeros,
    # whatever the BLAS kernel, so that normalize=True keeps it a zero row.
    Z = np.empty((X.shape[0], W.shape[1]))
    for start in range(0, X.shape[0], _BLOCK_ROWS):
        Z[start:start + _BLOCK_ROWS] = (X[start:start + _BLOCK_ROWS] - mu) @ W
    return _normalize_rows(Z) if normalize else Z


def remove_top_components(X, k):
    X = _check_data(X, finite=False)  # _principal_axes checks it
    k = _check_int(k, "k", 0, X.shape[1])
    mu, _, U = _principal_axes(X)
    Xc = X - mu
    top = U[:, :k]
    return Xc - (Xc @ top) @ top.T
