"""Variants of kata 6 that the hidden suite must judge right: WRONG, SLOW and CORRECT.

Each is appended to solutions/collapse.py, so its definitions replace the reference's. What
each group holds and must do is written once, in tests/self/conftest.py (load_variants).

The learner's own helpers (_LEARNER below) are named so that they replace none of the
reference's.
"""

# The input check of a learner's file, shared by the variants below.
_LEARNER = '''
def _rows(X):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[0] < 2 or X.shape[1] < 1:
        raise ValueError(f"X must be 2-D (n, d) with at least 2 rows (samples), got shape {X.shape}")
    if not np.isfinite(X).all():
        raise ValueError("X must be finite: it holds NaN or inf")
    return X
'''

# A learner's diagnose, from the public functions; {spread}, {ratio} and {order} are where
# the WRONG variants below put their mistakes.
_DIAGNOSE = '''
def diagnose(X):
    X = _rows(X)
    n, d = X.shape
    spectrum = covariance_spectrum(X)
    total = spectrum.sum()
    {explained}
    rank = effective_rank(X)
    cosine = mean_cosine(X)
    squared = np.sum(X ** 2)
    spread = {spread} if squared > 0 else 0.0
    ratio = {ratio}
    checks = {order}
    status = next((name for name, holds in checks if holds), "healthy")
    return {{"status": status, "effective_rank": rank, "mean_cosine": cosine, "explained_variance": explained,
            "spread": spread, "rank_ratio": ratio}}
'''
_RIGHT = {
    "explained": "explained = spectrum / total if total > 0 else np.zeros(d)",
    "spread": "float(np.sqrt(np.sum((X - X.mean(axis=0)) ** 2) / squared))",
    "ratio": "rank / min(n - 1, d)",
    "order": '[("complete_collapse", spread < 1e-3), ("dimensional_collapse", ratio < 0.25), '
             '("anisotropic", cosine > 0.5)]',
}


def _diagnose(**mistake) -> str:
    """A learner's diagnose, right but for `mistake`."""
    return _LEARNER + _DIAGNOSE.format(**{**_RIGHT, **mistake})


WRONG = {
    "spectrum_ddof_0": (
        "covariance_spectrum divides by n instead of n - 1",
        _LEARNER + '''
def covariance_spectrum(X):
    X = _rows(X)
    Xc = X - X.mean(axis=0)
    return np.clip(np.linalg.eigvalsh(Xc.T @ Xc / len(X))[::-1], 0.0, None)
''',
        ("test_covariance_spectrum_matches_eigvalsh",)),
    "spectrum_ascending": (
        "covariance_spectrum returns eigvalsh's ascending order",
        _LEARNER + '''
def covariance_spectrum(X):
    X = _rows(X)
    Xc = X - X.mean(axis=0)
    return np.clip(np.linalg.eigvalsh(Xc.T @ Xc / (len(X) - 1)), 0.0, None)
''',
        ("test_covariance_spectrum_matches_eigvalsh",)),
    "spectrum_wrong_axis": (
        "covariance_spectrum uses np.cov(X), which treats rows as variables",
        _LEARNER + '''
def covariance_spectrum(X):
    X = _rows(X)
    return np.clip(np.linalg.eigvalsh(np.cov(X))[::-1], 0.0, None)
''',
        ("test_covariance_spectrum_matches_eigvalsh",)),
    "spectrum_not_clipped": (
        "covariance_spectrum keeps eigvalsh's tiny negative eigenvalues",
        _LEARNER + '''
def covariance_spectrum(X):
    X = _rows(X)
    Xc = X - X.mean(axis=0)
    return np.linalg.eigvalsh(Xc.T @ Xc / (len(X) - 1))[::-1]
''',
        ("test_covariance_spectrum_is_never_negative",)),
    "spectrum_not_padded": (
        "covariance_spectrum returns the min(n, d) values the SVD of the centered X gives, not d",
        _LEARNER + '''
def covariance_spectrum(X):
    X = _rows(X)
    s = np.linalg.svd(X - X.mean(axis=0), compute_uv=False)
    return s ** 2 / (len(X) - 1)
''',
        ("test_covariance_spectrum_pads_to_d_when_n_is_small",)),
    "rank_uncentered": (
        "effective_rank takes the singular values of X itself, not of the centered X",
        _LEARNER + '''
def effective_rank(X):
    X = _rows(X)
    if np.all(X == X[0]):
        return 0.0
    s = np.linalg.svd(X, compute_uv=False)
    p = s[s > 0] / s.sum()
    return float(np.exp(-np.sum(p * np.log(p))))
''',
        ("test_effective_rank_centers_the_data",)),
    "rank_from_eigenvalues": (
        "effective_rank uses p = s**2 / sum(s**2) (the eigenvalues) instead of p = s / sum(s)",
        _LEARNER + '''
def effective_rank(X):
    X = _rows(X)
    if np.all(X == X[0]):
        return 0.0
    s = np.linalg.svd(X - X.mean(axis=0), compute_uv=False) ** 2
    p = s[s > 0] / s.sum()
    return float(np.exp(-np.sum(p * np.log(p))))
''',
        ("test_effective_rank_matches_the_formula",)),
    "rank_log_of_zero": (
        "effective_rank sums p log p over every p, so a zero singular value gives 0 * -inf = NaN",
        _LEARNER + '''
def effective_rank(X):
    X = _rows(X)
    if np.all(X == X[0]):
        return 0.0
    s = np.linalg.svd(X - X.mean(axis=0), compute_uv=False)
    p = s / s.sum()
    with np.errstate(all="ignore"):
        return float(np.exp(-np.sum(p * np.log(p))))
''',
        ("test_effective_rank_of_equal_singular_values_is_k",)),
    "rank_naive_centering": (
        "effective_rank centers with X - X.mean(0) only, so identical rows leave rounding noise of rank 1",
        _LEARNER + '''
def effective_rank(X):
    X = _rows(X)
    s = np.linalg.svd(X - X.mean(axis=0), compute_uv=False)
    if s.sum() == 0:
        return 0.0
    p = s[s > 0] / s.sum()
    return float(np.exp(-np.sum(p * np.log(p))))
''',
        ("test_effective_rank_of_identical_rows_is_zero",)),
    "cosine_includes_diagonal": (
        "mean_cosine averages over all n^2 pairs, the n pairs i == j included",
        _LEARNER + '''
def mean_cosine(X):
    X = _rows(X)
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    total = np.divide(X, norms, out=np.zeros_like(X), where=norms > 0).sum(axis=0)
    return float(total @ total) / len(X) ** 2
''',
        ("test_mean_cosine_matches_the_pairwise_formula",)),
    "cosine_divides_by_n_squared": (
        "mean_cosine removes the diagonal but divides by n^2 instead of n (n - 1)",
        _LEARNER + '''
def mean_cosine(X):
    X = _rows(X)
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    total = np.divide(X, norms, out=np.zeros_like(X), where=norms > 0).sum(axis=0)
    return float(total @ total - np.count_nonzero(norms)) / len(X) ** 2
''',
        ("test_mean_cosine_matches_the_pairwise_formula",)),
    "cosine_zero_rows_nan": (
        "mean_cosine divides zero rows by their zero norm",
        _LEARNER + '''
def mean_cosine(X):
    X = _rows(X)
    n = len(X)
    with np.errstate(all="ignore"):
        total = (X / np.linalg.norm(X, axis=1, keepdims=True)).sum(axis=0)
    return float((total @ total - n) / (n * (n - 1)))
''',
        ("test_mean_cosine_with_zero_rows_is_finite",)),
    "cosine_drops_zero_rows": (
        "mean_cosine leaves the zero rows out of the pair count: m (m - 1) for the m nonzero rows",
        _LEARNER + '''
def mean_cosine(X):
    X = _rows(X)
    norms = np.linalg.norm(X, axis=1)
    units = X[norms > 0] / norms[norms > 0, None]
    m = len(units)
    total = units.sum(axis=0)
    return float((total @ total - m) / max(m * (m - 1), 1))
''',
        ("test_mean_cosine_counts_zero_rows_as_similarity_zero",)),
    "cosine_epsilon_norm": (
        "mean_cosine divides by ||x|| + 1e-12, which shrinks tiny rows toward zero",
        _LEARNER + '''
def mean_cosine(X):
    X = _rows(X)
    n = len(X)
    units = X / (np.linalg.norm(X, axis=1, keepdims=True) + 1e-12)
    total = units.sum(axis=0)
    return float((total @ total - np.sum(units * units)) / (n * (n - 1)))
''',
        ("test_mean_cosine_is_invariant_to_scale",)),
    "cosine_full_matrix": (
        "mean_cosine builds the n x n cosine matrix (fine on small data, impossible on a million rows)",
        _LEARNER + '''
def mean_cosine(X):
    X = _rows(X)
    n = len(X)
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    units = np.divide(X, norms, out=np.zeros_like(X), where=norms > 0)
    C = units @ units.T
    return float((C.sum() - np.trace(C)) / (n * (n - 1)))
''',
        ("test_scale_mean_cosine_is_linear_in_n",)),
    "centers_in_place": (
        "covariance_spectrum centers the caller's array with X -= X.mean(0)",
        _LEARNER + '''
def covariance_spectrum(X):
    if isinstance(X, np.ndarray) and X.dtype == np.float64:
        X -= X.mean(axis=0)
    X = _rows(X)
    Xc = X - X.mean(axis=0)
    return np.clip(np.linalg.eigvalsh(Xc.T @ Xc / (len(X) - 1))[::-1], 0.0, None)
''',
        ("test_inputs_are_left_unchanged",)),
    "diagnose_wrong_precedence": (
        "diagnose tests dimensional collapse before complete collapse",
        _diagnose(order='[("dimensional_collapse", ratio < 0.25), ("complete_collapse", spread < 1e-3), '
                        '("anisotropic", cosine > 0.5)]'),
        ("test_diagnose_a_repeated_row_is_complete_collapse",)),
    "diagnose_rank_over_d": (
        "diagnose compares the effective rank with d, also when n - 1 < d",
        _diagnose(ratio="rank / d"),
        ("test_diagnose_few_samples_in_high_dimension",)),
    "diagnose_absolute_threshold": (
        "diagnose calls complete collapse when the total variance is below 1e-10, whatever the scale",
        _diagnose(order='[("complete_collapse", total < 1e-10), ("dimensional_collapse", ratio < 0.25), '
                        '("anisotropic", cosine > 0.5)]'),
        ("test_diagnose_is_scale_aware",)),
    "diagnose_explained_nan": (
        "diagnose divides the spectrum by its sum even when the sum is 0",
        _diagnose(explained="with np.errstate(all='ignore'):\n        explained = spectrum / total"),
        ("test_diagnose_all_zero_data",)),
    "diagnose_spread_squared": (
        "diagnose reports the spread without its square root: the ratio of sums of squares",
        _diagnose(spread="float(np.sum((X - X.mean(axis=0)) ** 2) / squared)"),
        ("test_diagnose_reports_the_numbers",)),
    "spectrum_overflows_to_inf": (
        "covariance_spectrum returns the inf that the covariance of entries of 1e200 overflows to",
        _LEARNER + '''
def covariance_spectrum(X):
    X = _rows(X)
    n, d = X.shape
    s = np.linalg.svd(X - X.mean(axis=0), compute_uv=False)
    out = np.zeros(d)
    with np.errstate(over="ignore"):
        out[:len(s)] = s ** 2 / (n - 1)
    return out
''',
        ("test_covariance_spectrum_rejects_bad_input",)),
    "diagnose_on_the_unscaled_data": (
        "diagnose built on covariance_spectrum(X) and sums of squares of X itself, which overflow for "
        "X * 1e200 and underflow for X * 1e-200",
        _diagnose(),
        ("test_diagnose_works_at_any_scale",)),
    "no_column_is_data_too": (
        "the input check forgets d >= 1: X of shape (3, 0) gives a mean cosine of 0.0 instead of an error",
        '''
def _rows(X):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[0] < 2:
        raise ValueError(f"X must be 2-D (n, d) with at least 2 rows (samples), got shape {X.shape}")
    if not np.isfinite(X).all():
        raise ValueError("X must be finite: it holds NaN or inf")
    return X


def mean_cosine(X):
    X = _rows(X)
    n = len(X)
    norms = np.linalg.norm(X, axis=1)
    U = X[norms > 0] / norms[norms > 0, None]
    total = U.sum(axis=0)
    return float((total @ total - len(U)) / (n * (n - 1)))
''',
        ("test_data_without_columns_is_rejected",)),
}

SLOW = {
    "cosine_pair_loop": (
        "mean_cosine right, but a Python loop over all n (n - 1) pairs",
        _LEARNER + '''
def mean_cosine(X):
    X = _rows(X)
    n = len(X)
    norms = np.linalg.norm(X, axis=1)
    total = 0.0
    for i in range(n):
        for j in range(n):
            if i != j and norms[i] > 0 and norms[j] > 0:
                total += float(X[i] @ X[j]) / (norms[i] * norms[j])
    return total / (n * (n - 1))
'''),
    "cosine_row_loop": (
        "mean_cosine through the sum of unit rows (O(n d)), but one Python iteration per row",
        _LEARNER + '''
def mean_cosine(X):
    X = _rows(X)
    n, d = X.shape
    total, nonzero = np.zeros(d), 0
    for row in X:
        norm = np.sqrt(row @ row)
        if norm > 0:
            total += row / norm
            nonzero += 1
    return float((total @ total - nonzero) / (n * (n - 1)))
'''),
}

CORRECT = {
    "eigenvalue_route": (
        "spectrum and effective rank from np.linalg.eigvalsh of the covariance, clipped, "
        "with X - X.mean(0) and an exact identical-rows check",
        _LEARNER + '''
def _eigen(X):
    Xc = X - X.mean(axis=0)
    with np.errstate(over="ignore", invalid="ignore"):
        C = Xc.T @ Xc / (len(X) - 1)
    if not np.isfinite(C).all():
        raise ValueError("the covariance of X overflows float64")
    return np.clip(np.linalg.eigvalsh(C)[::-1], 0.0, None)


def covariance_spectrum(X):
    return _eigen(_rows(X))


def effective_rank(X):
    X = _rows(X)
    if np.all(X == X[0]):
        return 0.0
    s = np.sqrt(_eigen(X) * (len(X) - 1))
    p = s / s.sum()
    p = p[p > 0]
    return float(np.exp(-np.sum(p * np.log(p))))
'''),
    "diagnose_from_the_public_functions": (
        "diagnose assembled from covariance_spectrum, effective_rank and mean_cosine, "
        "all three through an svd of X - X.mean(0) and plain row normalization",
        _LEARNER + '''
def covariance_spectrum(X):
    X = _rows(X)
    n, d = X.shape
    s = np.linalg.svd(X - X.mean(axis=0), compute_uv=False)
    out = np.zeros(d)
    with np.errstate(over="ignore"):
        out[:len(s)] = s ** 2 / (n - 1)
    if not np.isfinite(out).all():
        raise ValueError("the covariance of X overflows float64")
    return out


def effective_rank(X):
    X = _rows(X)
    if (X == X[0]).all():
        return 0.0
    s = np.linalg.svd(X - X.mean(axis=0), compute_uv=False)
    p = s[s > 0] / s.sum()
    return float(np.exp(-(p * np.log(p)).sum()))


def mean_cosine(X):
    X = _rows(X)
    n = len(X)
    norms = np.linalg.norm(X, axis=1)
    nonzero = norms > 0
    U = X[nonzero] / norms[nonzero, None]
    total = U.sum(axis=0)
    return float((total @ total - len(U)) / (n * (n - 1)))
''' + _DIAGNOSE.format(**_RIGHT) + '''

_unscaled_diagnose = diagnose


def diagnose(X):
    X = _rows(X)
    peak = np.abs(X).max()
    return _unscaled_diagnose(X / peak if peak > 0 else X)  # every number it reports is scale-free
'''),
    "cosine_in_chunks": (
        "mean_cosine normalizing 4096 rows at a time, the chunks in reverse order: O(4096 d) extra memory",
        _LEARNER + '''
def mean_cosine(X):
    X = _rows(X)
    n = len(X)
    total, nonzero = np.zeros(X.shape[1]), 0
    for start in reversed(range(0, n, 4096)):
        block = X[start:start + 4096]
        norms = np.linalg.norm(block, axis=1, keepdims=True)
        units = np.divide(block, norms, out=np.zeros_like(block), where=norms > 0)
        total += units.sum(axis=0)
        nonzero += int(np.count_nonzero(norms))
    return float(np.clip((total @ total - nonzero) / (n * (n - 1)), -1.0, 1.0))
'''),
    "other_formula_orders": (
        "the entropy as log(sum s) - sum(s log s) / sum s; the mean cosine from the mean unit row, "
        "n^2 |m|^2 - (nonzero rows); the spectrum from the n x n Gram matrix when n <= d",
        _LEARNER + '''
def covariance_spectrum(X):
    X = _rows(X)
    n, d = X.shape
    Xc = X - X.mean(axis=0)
    with np.errstate(over="ignore", invalid="ignore"):
        small = Xc @ Xc.T if n <= d else Xc.T @ Xc  # the same nonzero eigenvalues
    if not np.isfinite(small).all():
        raise ValueError("the covariance of X overflows float64")
    values = np.clip(np.linalg.eigvalsh(small / (n - 1))[::-1], 0.0, None)
    out = np.zeros(d)
    out[:min(n, d)] = values[:min(n, d)]
    return out


def effective_rank(X):
    X = _rows(X)
    s = np.linalg.svd((X - X[0]) - (X - X[0]).mean(axis=0), compute_uv=False)
    s = s[s > 0]
    if s.size == 0:
        return 0.0
    total = s.sum()
    return float(np.exp(np.log(total) - np.sum(s * np.log(s)) / total))


def mean_cosine(X):
    X = _rows(X)
    n = len(X)
    peak = np.abs(X).max(axis=1)
    scaled = X / np.where(peak > 0, peak, 1.0)[:, None]  # no underflow for rows of 1e-200
    norms = np.sqrt(np.einsum("ij,ij->i", scaled, scaled))
    m = (scaled / np.where(norms > 0, norms, 1.0)[:, None]).mean(axis=0)
    return float((n * n * (m @ m) - np.count_nonzero(peak)) / (n * (n - 1)))
'''),
}
