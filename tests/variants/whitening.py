"""Variants of kata 5 that the hidden suite must judge right: WRONG, SLOW and CORRECT.

Each is appended to solutions/whitening.py, so its definitions replace the reference's. What
each group holds and must do is written once, in tests/self/conftest.py (load_variants).

The learner's own helpers (_LEARNER below) are named so that they replace none of the
reference's.
"""

# The input checks of a learner's file, shared by the variants below.
_LEARNER = '''
def _rows(X, min_rows=2):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[0] < min_rows or X.shape[1] < 1:
        raise ValueError(f"X must be 2-D (n, d) with at least {min_rows} rows, got shape {X.shape}")
    if not np.isfinite(X).all():
        raise ValueError("X must be finite")
    return X


def _kept(X, dim, method, eps):
    d = X.shape[1]
    if method not in ("pca", "zca"):
        raise ValueError(f"method must be 'pca' or 'zca', got {method!r}")
    if method == "zca" and dim is not None:
        raise ValueError("dim must be None for method='zca'")
    if dim is not None and (isinstance(dim, bool) or not isinstance(dim, (int, np.integer)) or not 1 <= dim <= d):
        raise ValueError(f"dim must be an integer in 1..{d}, got {dim!r}")
    if isinstance(eps, bool) or not isinstance(eps, (int, float)) or not 0 < eps < np.inf:
        raise ValueError(f"eps must be a number > 0, got {eps!r}")
    return d if dim is None else int(dim)


def _apply_args(X, mu, W):
    X = _rows(X, min_rows=0)
    mu, W = np.asarray(mu, dtype=float), np.asarray(W, dtype=float)
    if W.ndim != 2 or W.shape[0] != X.shape[1]:
        raise ValueError(f"W must have shape (d, k) with d = {X.shape[1]}, got {W.shape}")
    if mu.shape != (X.shape[1],):
        raise ValueError(f"mu must have shape ({X.shape[1]},), got {mu.shape}")
    return X, mu, W


def _top_k(X, k):
    X = _rows(X)
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 0 <= k <= X.shape[1]:
        raise ValueError(f"k must be an integer in 0..{X.shape[1]}, got {k!r}")
    return X, int(k)


def _unit_rows(Z):
    norms = np.linalg.norm(Z, axis=1, keepdims=True)
    return Z / np.where(norms > 0, norms, 1.0)
'''

# A learner's fit_whitening around `axes`, the principal axes of X: mu, s descending, U.
_FIT = '''
def fit_whitening(X, dim=None, method="pca", eps=1e-8):
    X = _rows(X)
    k = _kept(X, dim, method, eps)
    mu, s, U = _axes(X)
    scale = 1.0 / np.sqrt(s + eps)
    if method == "pca":
        return mu, U[:, :k] * scale[:k]
    return mu, (U * scale) @ U.T
'''

_REMOVE = '''
def remove_top_components(X, k):
    X, k = _top_k(X, k)
    mu, _, U = _axes(X)
    Xc = X - mu
    return Xc - (Xc @ U[:, :k]) @ U[:, :k].T
'''


def _fit_with(axes: str) -> str:
    """A learner's file whose fit_whitening and remove_top_components share `axes`."""
    return _LEARNER + axes + _FIT + _REMOVE


WRONG = {
    "cov_on_the_wrong_axis": (
        "np.cov(X) without rowvar=False: rows are taken as variables, an (n, n) 'covariance'",
        _fit_with('''
def _axes(X):
    U, s, _ = np.linalg.svd(np.cov(X))
    return X.mean(axis=0), s, U
'''),
        ("test_fit_rows_are_samples", "test_fit_rows_are_samples_for_square_X")),
    "biased_covariance": (
        "the covariance divides by n (ddof=0) instead of n - 1",
        _fit_with('''
def _axes(X):
    mu = X.mean(axis=0)
    Xc = X - mu
    U, s, _ = np.linalg.svd(Xc.T @ Xc / X.shape[0])
    return mu, s, U
'''),
        ("test_fit_whitens_the_training_data",)),
    "fit_forgets_to_center": (
        "fit_whitening's covariance is X^T X / (n - 1), without subtracting the mean first",
        _fit_with('''
def _axes(X):
    U, s, _ = np.linalg.svd(X.T @ X / (X.shape[0] - 1))
    return X.mean(axis=0), s, U
'''),
        ("test_fit_whitens_the_training_data",)),
    "eigh_in_ascending_order": (
        "eigh instead of svd, without reversing its ascending order: dim and k keep the smallest",
        _fit_with('''
def _axes(X):
    mu = X.mean(axis=0)
    Xc = X - mu
    s, U = np.linalg.eigh(Xc.T @ Xc / (X.shape[0] - 1))
    return mu, np.maximum(s, 0.0), U
'''),
        ("test_fit_pca_columns_follow_decreasing_variance", "test_fit_pca_dim_keeps_the_top_directions",
         "test_remove_top_components_removes_the_top_directions")),
    "scales_by_s_not_sqrt_s": (
        "W = U diag(1 / (s + eps)): divides by the variance instead of the standard deviation",
        _LEARNER + '''
def fit_whitening(X, dim=None, method="pca", eps=1e-8):
    X = _rows(X)
    k = _kept(X, dim, method, eps)
    mu = X.mean(axis=0)
    U, s, _ = np.linalg.svd(np.cov(X, rowvar=False))
    scale = 1.0 / (s + eps)
    return mu, (U[:, :k] * scale[:k] if method == "pca" else (U * scale) @ U.T)
''',
        ("test_fit_whitens_the_training_data",)),
    "zca_without_trailing_Ut": (
        "ZCA as U diag(1 / sqrt(s + eps)): the rotation back, U^T, is missing",
        _LEARNER + '''
def fit_whitening(X, dim=None, method="pca", eps=1e-8):
    X = _rows(X)
    k = _kept(X, dim, method, eps)
    mu = X.mean(axis=0)
    U, s, _ = np.linalg.svd(np.cov(X, rowvar=False))
    return mu, U[:, :k] / np.sqrt(s[:k] + eps)
''',
        ("test_fit_zca_is_the_symmetric_inverse_square_root",)),
    "eps_outside_the_root": (
        "W = U diag(1 / (sqrt(s) + eps)): eps added after the square root",
        _LEARNER + '''
def fit_whitening(X, dim=None, method="pca", eps=1e-8):
    X = _rows(X)
    k = _kept(X, dim, method, eps)
    mu = X.mean(axis=0)
    U, s, _ = np.linalg.svd(np.cov(X, rowvar=False))
    scale = 1.0 / (np.sqrt(s) + eps)
    return mu, (U[:, :k] * scale[:k] if method == "pca" else (U * scale) @ U.T)
''',
        ("test_fit_eps_goes_inside_the_square_root",)),
    "eps_ignored": (
        "W = U diag(1 / sqrt(s)): eps is never used (and a zero variance gives inf, 0 * inf NaN)",
        _LEARNER + '''
def fit_whitening(X, dim=None, method="pca", eps=1e-8):
    X = _rows(X)
    k = _kept(X, dim, method, eps)
    mu = X.mean(axis=0)
    U, s, _ = np.linalg.svd(np.cov(X, rowvar=False))
    with np.errstate(divide="ignore"):
        scale = 1.0 / np.sqrt(s)
    return mu, (U[:, :k] * scale[:k] if method == "pca" else (U * scale) @ U.T)
''',
        ("test_fit_eps_goes_inside_the_square_root",)),
    "apply_forgets_to_center": (
        "apply_whitening returns X @ W, without subtracting mu",
        _LEARNER + '''
def apply_whitening(X, mu, W, normalize=False):
    X, mu, W = _apply_args(X, mu, W)
    Z = X @ W
    return _unit_rows(Z) if normalize else Z
''',
        ("test_apply_centers_with_the_given_mu",)),
    "apply_recenters_on_the_queries": (
        "apply_whitening subtracts the mean of the X it is given instead of the fitted mu",
        _LEARNER + '''
def apply_whitening(X, mu, W, normalize=False):
    X, mu, W = _apply_args(X, mu, W)
    Z = (X - X.mean(axis=0)) @ W
    return _unit_rows(Z) if normalize else Z
''',
        ("test_apply_centers_with_the_given_mu",)),
    "normalize_makes_nan_of_zero_rows": (
        "normalize=True divides by the row norm even when it is 0",
        _LEARNER + '''
def apply_whitening(X, mu, W, normalize=False):
    X, mu, W = _apply_args(X, mu, W)
    Z = (X - mu) @ W
    if normalize:
        with np.errstate(invalid="ignore", divide="ignore"):
            Z = Z / np.linalg.norm(Z, axis=1, keepdims=True)
    return Z
''',
        ("test_apply_normalize_gives_unit_rows",)),
    "normalize_before_whitening": (
        "normalize=True scales the centered rows to unit length before multiplying by W, not after",
        _LEARNER + '''
def apply_whitening(X, mu, W, normalize=False):
    X, mu, W = _apply_args(X, mu, W)
    Xc = X - mu
    return (_unit_rows(Xc) if normalize else Xc) @ W
''',
        ("test_apply_normalize_gives_unit_rows",)),
    "apply_centers_in_place": (
        "apply_whitening subtracts mu from the caller's array in place",
        _LEARNER + '''
def apply_whitening(X, mu, W, normalize=False):
    _, mu, W = _apply_args(X, mu, W)
    if isinstance(X, np.ndarray) and X.dtype == np.float64:
        X -= mu
        Z = X @ W
    else:
        Z = (np.asarray(X, dtype=float) - mu) @ W
    return _unit_rows(Z) if normalize else Z
''',
        ("test_inputs_are_left_unchanged",)),
    "remove_forgets_to_center": (
        "remove_top_components projects the top directions out of X itself, not out of X - mean",
        _LEARNER + '''
def remove_top_components(X, k):
    X, k = _top_k(X, k)
    _, vecs = np.linalg.eigh(np.cov(X, rowvar=False))
    top = vecs[:, ::-1][:, :k]
    return X - (X @ top) @ top.T
''',
        ("test_remove_top_components_output_is_centered", "test_remove_top_components_edge_k")),
    "remove_directions_of_uncentered_X": (
        "remove_top_components takes its directions from the SVD of X, not of X - mean: "
        "the first one points at the mean",
        _LEARNER + '''
def remove_top_components(X, k):
    X, k = _top_k(X, k)
    _, _, Vt = np.linalg.svd(X, full_matrices=False)
    top = Vt[:k].T
    Xc = X - X.mean(axis=0)
    return Xc - (Xc @ top) @ top.T
''',
        ("test_remove_top_components_removes_the_top_directions",)),
    "remove_bottom_components": (
        "remove_top_components takes U[:, -k:], the directions of SMALLEST variance",
        _LEARNER + '''
def remove_top_components(X, k):
    X, k = _top_k(X, k)
    Xc = X - X.mean(axis=0)
    U, _, _ = np.linalg.svd(Xc.T @ Xc / (X.shape[0] - 1))
    bottom = U[:, X.shape[1] - k:]
    return Xc - (Xc @ bottom) @ bottom.T
''',
        ("test_remove_top_components_removes_the_top_directions",)),
    "remove_rejects_k_zero": (
        "remove_top_components demands k >= 1, though k = 0 (centering only) is allowed",
        _LEARNER + '''
def remove_top_components(X, k):
    X = _rows(X)
    if not isinstance(k, (int, np.integer)) or not 1 <= k <= X.shape[1]:
        raise ValueError(f"k must be in 1..{X.shape[1]}, got {k!r}")
    Xc = X - X.mean(axis=0)
    U, _, _ = np.linalg.svd(Xc.T @ Xc / (X.shape[0] - 1))
    return Xc - (Xc @ U[:, :k]) @ U[:, :k].T
''',
        ("test_remove_top_components_edge_k",)),
}

# Not listed: the covariance as a loop over samples adding np.outer(x - mu, x - mu). Each step
# is d x d numpy work, so on the scale checks' data (2,000 x 512) it costs about 0.4 s of CPU,
# no more than the SVD of the centered data (a right route, up to 0.45 s under the Prescott
# kernel): no limit that every right route passes under every kernel fails it reliably.
SLOW = {
    "covariance_entry_by_entry": (
        "the covariance one entry at a time: a Python double loop over the d x d pairs of features",
        _fit_with('''
def _axes(X):
    n, d = X.shape
    mu = X.mean(axis=0)
    Xc = X - mu
    sigma = np.zeros((d, d))
    for a in range(d):
        for b in range(a, d):
            sigma[a, b] = sigma[b, a] = np.sum(Xc[:, a] * Xc[:, b]) / (n - 1)
    U, s, _ = np.linalg.svd(sigma)
    return mu, s, U
''')),
}

CORRECT = {
    "eigh_of_np_cov": (
        "np.linalg.eigh of np.cov(X, rowvar=False), reversed to descending order, tiny negatives clipped",
        _fit_with('''
def _axes(X):
    s, U = np.linalg.eigh(np.cov(X, rowvar=False))
    return X.mean(axis=0), np.clip(s[::-1], 0.0, None), U[:, ::-1]
''') + '''

def apply_whitening(X, mu, W, normalize=False):
    X, mu, W = _apply_args(X, mu, W)
    Z = (X - mu) @ W
    return _unit_rows(Z) if normalize else Z
'''),
    "flipped_signs": (
        "svd of the covariance, every other principal direction negated: u and -u are both eigenvectors",
        _fit_with('''
def _axes(X):
    mu = X.mean(axis=0)
    Xc = X - mu
    U, s, _ = np.linalg.svd(Xc.T @ Xc / (X.shape[0] - 1))
    return mu, s, U * np.where(np.arange(U.shape[1]) % 2 == 0, -1.0, 1.0)
''')),
    "svd_of_the_centered_data": (
        "the SVD of Xc / sqrt(n - 1) instead of the covariance: its right singular vectors and s**2; "
        "all-but-the-top as Xc @ (I - U_k U_k^T)",
        _LEARNER + '''
def _axes(X):
    n, d = X.shape
    mu = X.mean(axis=0)
    _, sv, Vt = np.linalg.svd((X - mu) / np.sqrt(n - 1), full_matrices=n < d)
    s = np.zeros(d)
    s[:sv.size] = sv ** 2
    return mu, s, Vt.T
''' + _FIT + '''

def remove_top_components(X, k):
    X, k = _top_k(X, k)
    mu, _, U = _axes(X)
    return (X - mu) @ (np.eye(X.shape[1]) - U[:, :k] @ U[:, :k].T)
'''),
    "subtracts_mu_after_multiplying": (
        "apply_whitening as X @ W - mu @ W, the same map in another order; rows divided by "
        "np.sqrt of their sum of squares",
        _LEARNER + '''
def apply_whitening(X, mu, W, normalize=False):
    X, mu, W = _apply_args(X, mu, W)
    Z = X @ W - mu @ W
    if normalize:
        norms = np.sqrt((Z * Z).sum(axis=1))[:, None]
        Z = np.divide(Z, norms, out=np.zeros_like(Z), where=norms > 0)
    return Z
'''),
    "other_summation_order": (
        "the mean and the covariance summed over the rows in reverse order, 1000 at a time; "
        "ZCA as (U / sqrt(s + eps)) @ U.T made symmetric; eigh",
        _LEARNER + '''
def _axes(X):
    n, d = X.shape
    rows = X[::-1]
    mu = np.zeros(d)
    for start in range(0, n, 1000):
        mu += rows[start:start + 1000].sum(axis=0)
    mu /= n
    sigma = np.zeros((d, d))
    for start in range(0, n, 1000):
        block = rows[start:start + 1000] - mu
        sigma += block.T @ block
    s, U = np.linalg.eigh(sigma / (n - 1))
    return mu, np.maximum(s[::-1], 0.0), U[:, ::-1]


def fit_whitening(X, dim=None, method="pca", eps=1e-8):
    X = _rows(X)
    k = _kept(X, dim, method, eps)
    mu, s, U = _axes(X)
    if method == "pca":
        return mu, U[:, :k] / np.sqrt(s[:k] + eps)
    W = (U / np.sqrt(s + eps)) @ U.T
    return mu, (W + W.T) / 2
''' + _REMOVE),
    "loops_over_directions": (
        "ZCA as a sum of outer products over the d directions; all-but-the-top removes one "
        "direction at a time; normalization row by row",
        _LEARNER + '''
def _axes(X):
    mu = X.mean(axis=0)
    U, s, _ = np.linalg.svd(np.cov(X, rowvar=False))
    return mu, s, U


def fit_whitening(X, dim=None, method="pca", eps=1e-8):
    X = _rows(X)
    k = _kept(X, dim, method, eps)
    mu, s, U = _axes(X)
    if method == "pca":
        return mu, np.column_stack([U[:, j] / np.sqrt(s[j] + eps) for j in range(k)])
    W = np.zeros((X.shape[1], X.shape[1]))
    for j in range(X.shape[1]):
        W += np.outer(U[:, j], U[:, j]) / np.sqrt(s[j] + eps)
    return mu, W


def apply_whitening(X, mu, W, normalize=False):
    X, mu, W = _apply_args(X, mu, W)
    Z = (X - mu) @ W
    if normalize:
        for i, row in enumerate(Z):
            norm = np.linalg.norm(row)
            if norm > 0:
                Z[i] = row / norm
    return Z


def remove_top_components(X, k):
    X, k = _top_k(X, k)
    mu, _, U = _axes(X)
    out = X - mu
    for j in range(k):
        out = out - np.outer(out @ U[:, j], U[:, j])
    return out
'''),
}
