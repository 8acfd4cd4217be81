"""Variants of kata 5 that the hidden suite must judge right.

Each variant is the reference solution with some functions redefined: the code below is
appended to solutions/whitening.py, so its definitions replace the reference ones.
WRONG holds mistakes learners really make (each must lose points); SLOW holds right but
unvectorized code (it must fail the scale checks and nothing else); CORRECT holds right
answers written differently (each must keep full marks).
"""

WRONG = {
    "cov_on_the_wrong_axis": (
        "np.cov(X) without rowvar=False: rows are taken as variables, an (n, n) 'covariance'",
        """
def _principal_axes(X):
    mu = X.mean(axis=0)
    U, s, _ = np.linalg.svd(np.cov(X))
    return mu, s, U
"""),
    "biased_covariance": (
        "the covariance divides by n (ddof=0) instead of n - 1",
        """
def _principal_axes(X):
    mu = X.mean(axis=0)
    Xc = X - mu
    U, s, _ = np.linalg.svd(Xc.T @ Xc / X.shape[0])
    return mu, s, U
"""),
    "apply_forgets_to_center": (
        "apply_whitening returns X @ W, without subtracting mu",
        """
def apply_whitening(X, mu, W, normalize=False):
    X = _check_data(X, min_rows=0)
    Z = X @ np.asarray(W, dtype=float)
    return _normalize_rows(Z) if normalize else Z
"""),
    "apply_recenters_on_the_queries": (
        "apply_whitening subtracts the mean of the X it is given instead of the fitted mu",
        """
def apply_whitening(X, mu, W, normalize=False):
    X = _check_data(X, min_rows=0)
    Z = (X - X.mean(axis=0)) @ np.asarray(W, dtype=float)
    return _normalize_rows(Z) if normalize else Z
"""),
    "scales_by_s_not_sqrt_s": (
        "W = U diag(1 / (s + eps)): divides by the variance instead of the standard deviation",
        """
def fit_whitening(X, dim=None, method="pca", eps=1e-8):
    X = _check_data(X)
    d = X.shape[1]
    if method not in _METHODS:
        raise ValueError(f"unknown method {method!r}")
    if method == "zca" and dim is not None:
        raise ValueError("dim must be None for zca")
    k = d if dim is None else _check_int(dim, "dim", 1, d)
    mu, s, U = _principal_axes(X)
    scale = 1.0 / (s + eps)
    return mu, (U[:, :k] * scale[:k] if method == "pca" else (U * scale) @ U.T)
"""),
    "zca_without_trailing_Ut": (
        "ZCA as U diag(1 / sqrt(s + eps)): the rotation back, U^T, is missing",
        """
def fit_whitening(X, dim=None, method="pca", eps=1e-8):
    X = _check_data(X)
    d = X.shape[1]
    if method not in _METHODS:
        raise ValueError(f"unknown method {method!r}")
    if method == "zca" and dim is not None:
        raise ValueError("dim must be None for zca")
    k = d if dim is None else _check_int(dim, "dim", 1, d)
    mu, s, U = _principal_axes(X)
    return mu, U[:, :k] / np.sqrt(s[:k] + eps)
"""),
    "eigh_in_ascending_order": (
        "eigh instead of svd, without reversing its ascending order: truncation keeps the smallest",
        """
def _principal_axes(X):
    mu = X.mean(axis=0)
    Xc = X - mu
    s, U = np.linalg.eigh(Xc.T @ Xc / (X.shape[0] - 1))
    return mu, np.maximum(s, 0.0), U
"""),
    "eps_outside_the_root": (
        "W = U diag(1 / (sqrt(s) + eps)): eps added after the square root",
        """
def fit_whitening(X, dim=None, method="pca", eps=1e-8):
    X = _check_data(X)
    d = X.shape[1]
    if method not in _METHODS:
        raise ValueError(f"unknown method {method!r}")
    if method == "zca" and dim is not None:
        raise ValueError("dim must be None for zca")
    k = d if dim is None else _check_int(dim, "dim", 1, d)
    mu, s, U = _principal_axes(X)
    scale = 1.0 / (np.sqrt(s) + eps)
    return mu, (U[:, :k] * scale[:k] if method == "pca" else (U * scale) @ U.T)
"""),
    "eps_ignored": (
        "W = U diag(1 / sqrt(s)): a zero variance gives inf, and 0 * inf gives NaN",
        """
def fit_whitening(X, dim=None, method="pca", eps=1e-8):
    X = _check_data(X)
    d = X.shape[1]
    if method not in _METHODS:
        raise ValueError(f"unknown method {method!r}")
    if method == "zca" and dim is not None:
        raise ValueError("dim must be None for zca")
    k = d if dim is None else _check_int(dim, "dim", 1, d)
    mu, s, U = _principal_axes(X)
    with np.errstate(divide="ignore"):
        scale = 1.0 / np.sqrt(s)
    return mu, (U[:, :k] * scale[:k] if method == "pca" else (U * scale) @ U.T)
"""),
    "normalize_makes_nan_of_zero_rows": (
        "normalize=True divides by the row norm even when it is 0",
        """
def _normalize_rows(Z):
    with np.errstate(invalid="ignore", divide="ignore"):
        return Z / np.linalg.norm(Z, axis=1, keepdims=True)
"""),
    "apply_centers_in_place": (
        "apply_whitening subtracts mu from the caller's array in place",
        """
def apply_whitening(X, mu, W, normalize=False):
    if isinstance(X, np.ndarray) and X.dtype == np.float64:
        X -= np.asarray(mu, dtype=float)
        Z = X @ np.asarray(W, dtype=float)
    else:
        Z = (np.asarray(X, dtype=float) - mu) @ np.asarray(W, dtype=float)
    return _normalize_rows(Z) if normalize else Z
"""),
    "remove_forgets_to_center": (
        "remove_top_components projects out the top directions from X itself, not from X - mean",
        """
def remove_top_components(X, k):
    X = _check_data(X)
    k = _check_int(k, "k", 0, X.shape[1])
    _, _, U = _principal_axes(X)
    top = U[:, :k]
    return X - (X @ top) @ top.T
"""),
    "remove_bottom_components": (
        "remove_top_components takes U[:, -k:], the directions of SMALLEST variance",
        """
def remove_top_components(X, k):
    X = _check_data(X)
    k = _check_int(k, "k", 0, X.shape[1])
    mu, _, U = _principal_axes(X)
    Xc = X - mu
    bottom = U[:, X.shape[1] - k:]
    return Xc - (Xc @ bottom) @ bottom.T
"""),
    "remove_rejects_k_zero": (
        "remove_top_components demands k >= 1, though k = 0 (centering only) is allowed",
        """
_reference_remove_top_components = remove_top_components


def remove_top_components(X, k):
    if k == 0:
        raise ValueError("k must be at least 1")
    return _reference_remove_top_components(X, k)
"""),
}

SLOW = {
    "outer_product_loop": (
        "the covariance as a Python loop over samples adding up outer products",
        """
def _principal_axes(X):
    mu = X.mean(axis=0)
    d = X.shape[1]
    sigma = np.zeros((d, d))
    for x in X:
        c = x - mu
        sigma += np.outer(c, c)
    sigma /= X.shape[0] - 1
    U, s, _ = np.linalg.svd(sigma)
    return mu, s, U
"""),
}

CORRECT = {
    "eigh_reversed": (
        "np.linalg.eigh instead of svd, reversed to descending order, tiny negatives clipped",
        """
def _principal_axes(X):
    mu = X.mean(axis=0)
    Xc = X - mu
    s, U = np.linalg.eigh(np.cov(X, rowvar=False))
    return mu, np.clip(s[::-1], 0.0, None), U[:, ::-1]
"""),
    "flipped_signs": (
        "every other principal direction negated: u and -u are both eigenvectors",
        """
_reference_principal_axes = _principal_axes


def _principal_axes(X):
    mu, s, U = _reference_principal_axes(X)
    signs = np.where(np.arange(U.shape[1]) % 2 == 0, -1.0, 1.0)
    return mu, s, U * signs
"""),
    "svd_of_the_centered_data": (
        "the SVD of Xc / sqrt(n - 1) instead of the covariance: its right singular vectors and s**2",
        """
def _principal_axes(X):
    n, d = X.shape
    mu = X.mean(axis=0)
    _, sv, Vt = np.linalg.svd((X - mu) / np.sqrt(n - 1), full_matrices=n < d)
    s = np.zeros(d)
    s[:sv.size] = sv ** 2
    return mu, s, Vt.T
"""),
    "loops_over_directions": (
        "ZCA as a sum of outer products over the d directions; all-but-the-top removes one "
        "direction at a time; normalization row by row",
        """
def fit_whitening(X, dim=None, method="pca", eps=1e-8):
    X = _check_data(X)
    d = X.shape[1]
    if method not in ("pca", "zca"):
        raise ValueError(f"method must be 'pca' or 'zca', got {method!r}")
    if method == "zca" and dim is not None:
        raise ValueError("dim must be None for method='zca'")
    k = d if dim is None else _check_int(dim, "dim", 1, d)
    mu, s, U = _principal_axes(X)
    if method == "pca":
        return mu, np.column_stack([U[:, j] / np.sqrt(s[j] + eps) for j in range(k)])
    W = np.zeros((d, d))
    for j in range(d):
        W += np.outer(U[:, j], U[:, j]) / np.sqrt(s[j] + eps)
    return mu, W


def _normalize_rows(Z):
    out = np.zeros_like(Z)
    for i, row in enumerate(Z):
        norm = np.linalg.norm(row)
        if norm > 0:
            out[i] = row / norm
    return out


def remove_top_components(X, k):
    X = _check_data(X)
    k = _check_int(k, "k", 0, X.shape[1])
    mu, _, U = _principal_axes(X)
    out = X - mu
    for j in range(k):
        out = out - np.outer(out @ U[:, j], U[:, j])
    return out
"""),
}
