"""Variants of kata 6 that the hidden suite must judge right.

Each variant is the reference solution with some functions redefined: the code below is
appended to solutions/collapse.py, so its definitions replace the reference ones.
WRONG holds mistakes learners really make (each must lose points); SLOW holds right but
unvectorized code (it must fail the scale checks and nothing else); CORRECT holds right
answers written differently (each must keep full marks).
"""

WRONG = {
    "spectrum_ddof_0": (
        "covariance_spectrum divides by n instead of n - 1",
        """
def covariance_spectrum(X):
    X = _check_data(X)
    n, d = X.shape
    s, scale = _centered_singular_values(X)
    return _spectrum(s, scale, n, d) * (n - 1) / n
"""),
    "spectrum_ascending": (
        "covariance_spectrum returns eigvalsh's ascending order",
        """
def covariance_spectrum(X):
    X = _check_data(X)
    Xc = X - X.mean(axis=0)
    return np.clip(np.linalg.eigvalsh(Xc.T @ Xc / (len(X) - 1)), 0.0, None)
"""),
    "spectrum_wrong_axis": (
        "covariance_spectrum uses np.cov(X), which treats rows as variables",
        """
def covariance_spectrum(X):
    X = _check_data(X)
    return np.clip(np.linalg.eigvalsh(np.cov(X))[::-1], 0.0, None)
"""),
    "spectrum_not_clipped": (
        "covariance_spectrum keeps eigvalsh's tiny negative eigenvalues",
        """
def covariance_spectrum(X):
    X = _check_data(X)
    Xc = X - X.mean(axis=0)
    return np.linalg.eigvalsh(Xc.T @ Xc / (len(X) - 1))[::-1]
"""),
    "rank_uncentered": (
        "effective_rank takes the singular values of X itself, not of the centered X",
        """
def effective_rank(X):
    X = _check_data(X)
    return _entropy_rank(np.linalg.svd(X, compute_uv=False))
"""),
    "rank_from_eigenvalues": (
        "effective_rank uses p = s**2 / sum(s**2) (the eigenvalues) instead of p = s / sum(s)",
        """
def effective_rank(X):
    X = _check_data(X)
    s, _ = _centered_singular_values(X)
    return _entropy_rank(s ** 2)
"""),
    "rank_log_of_zero": (
        "effective_rank sums p log p over every p, so a zero singular value gives 0 * -inf = NaN",
        """
def _entropy_rank(s):
    p = s / s.sum()
    with np.errstate(all="ignore"):
        return float(np.exp(-np.sum(p * np.log(p))))
"""),
    "rank_naive_centering": (
        "effective_rank centers with X - X.mean(0) only, so identical rows leave rounding noise of rank 1",
        """
def effective_rank(X):
    X = _check_data(X)
    return _entropy_rank(np.linalg.svd(X - X.mean(axis=0), compute_uv=False))
"""),
    "cosine_includes_diagonal": (
        "mean_cosine averages over all n^2 pairs, the n pairs i == j included",
        """
def _mean_cosine(X):
    total, _ = _unit_row_sum(X)
    return float(total @ total) / len(X) ** 2
"""),
    "cosine_divides_by_n_squared": (
        "mean_cosine removes the diagonal but divides by n^2 instead of n (n - 1)",
        """
def _mean_cosine(X):
    total, nonzero = _unit_row_sum(X)
    return (float(total @ total) - nonzero) / len(X) ** 2
"""),
    "cosine_zero_rows_nan": (
        "mean_cosine divides zero rows by their zero norm",
        """
def _mean_cosine(X):
    n = len(X)
    with np.errstate(all="ignore"):
        U = X / np.linalg.norm(X, axis=1, keepdims=True)
    total = U.sum(axis=0)
    return float((total @ total - n) / (n * (n - 1)))
"""),
    "cosine_drops_zero_rows": (
        "mean_cosine leaves the zero rows out of the pair count: m (m - 1) for the m nonzero rows",
        """
def _mean_cosine(X):
    total, nonzero = _unit_row_sum(X)
    return (float(total @ total) - nonzero) / max(nonzero * (nonzero - 1), 1)
"""),
    "cosine_epsilon_norm": (
        "mean_cosine divides by ||x|| + 1e-12, which shrinks tiny rows toward zero",
        """
def _mean_cosine(X):
    n = len(X)
    U = X / (np.linalg.norm(X, axis=1, keepdims=True) + 1e-12)
    total = U.sum(axis=0)
    return float((total @ total - np.sum(U * U)) / (n * (n - 1)))
"""),
    "cosine_full_matrix": (
        "mean_cosine builds the n x n cosine matrix (fine on small data, impossible on a million rows)",
        """
def _mean_cosine(X):
    n = len(X)
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    U = np.divide(X, norms, out=np.zeros_like(X), where=norms > 0)
    C = U @ U.T
    return float((C.sum() - np.trace(C)) / (n * (n - 1)))
"""),
    "centers_in_place": (
        "covariance_spectrum centers the caller's array with X -= X.mean(0)",
        """
_reference_covariance_spectrum = covariance_spectrum


def covariance_spectrum(X):
    if isinstance(X, np.ndarray) and X.dtype == np.float64:
        X -= X.mean(axis=0)
    return _reference_covariance_spectrum(X)
"""),
    "diagnose_wrong_precedence": (
        "diagnose tests dimensional collapse before complete collapse",
        """
_reference_diagnose = diagnose


def diagnose(X):
    report = _reference_diagnose(X)
    if report["rank_ratio"] < _COLLAPSED_RANK:
        report["status"] = "dimensional_collapse"
    return report
"""),
    "diagnose_rank_over_d": (
        "diagnose compares the effective rank with d, also when n - 1 < d",
        """
_reference_diagnose = diagnose


def diagnose(X):
    report = _reference_diagnose(X)
    d = np.shape(X)[1]
    report["rank_ratio"] = report["effective_rank"] / d
    if report["status"] in ("healthy", "anisotropic") and report["rank_ratio"] < _COLLAPSED_RANK:
        report["status"] = "dimensional_collapse"
    return report
"""),
    "diagnose_absolute_threshold": (
        "diagnose calls complete collapse when the total variance is below 1e-10, whatever the scale",
        """
_reference_diagnose = diagnose


def diagnose(X):
    report = _reference_diagnose(X)
    if covariance_spectrum(X).sum() < 1e-10:
        report["status"] = "complete_collapse"
    elif report["status"] == "complete_collapse":  # the rows still share one direction
        report["status"] = "anisotropic"
    return report
"""),
    "diagnose_explained_nan": (
        "diagnose divides the spectrum by its sum even when the sum is 0",
        """
_reference_diagnose = diagnose


def diagnose(X):
    report = _reference_diagnose(X)
    spectrum = covariance_spectrum(X)
    with np.errstate(all="ignore"):
        report["explained_variance"] = spectrum / spectrum.sum()
    return report
"""),
}

SLOW = {
    "cosine_pair_loop": (
        "mean_cosine right, but a Python loop over all n (n - 1) pairs",
        """
def _mean_cosine(X):
    n = len(X)
    norms = np.linalg.norm(X, axis=1)
    total = 0.0
    for i in range(n):
        for j in range(n):
            if i != j and norms[i] > 0 and norms[j] > 0:
                total += float(X[i] @ X[j]) / (norms[i] * norms[j])
    return total / (n * (n - 1))
"""),
    "cosine_row_loop": (
        "mean_cosine through the sum of unit rows (O(n d)), but one Python iteration per row",
        """
def _mean_cosine(X):
    n, d = X.shape
    total, nonzero = np.zeros(d), 0
    for row in X:
        norm = np.sqrt(row @ row)
        if norm > 0:
            total += row / norm
            nonzero += 1
    return float((total @ total - nonzero) / (n * (n - 1)))
"""),
}

CORRECT = {
    "eigenvalue_route": (
        "spectrum and effective rank from np.linalg.eigvalsh of the covariance, clipped, "
        "with X - X.mean(0) and an exact identical-rows check",
        """
def _eigen(X):
    Xc = X - X.mean(axis=0)
    return np.clip(np.linalg.eigvalsh(Xc.T @ Xc / (len(X) - 1))[::-1], 0.0, None)


def covariance_spectrum(X):
    return _eigen(_check_data(X))


def effective_rank(X):
    X = _check_data(X)
    if np.all(X == X[0]):
        return 0.0
    s = np.sqrt(_eigen(X) * (len(X) - 1))
    p = s / s.sum()
    p = p[p > 0]
    return float(np.exp(-np.sum(p * np.log(p))))
"""),
    "diagnose_from_the_public_functions": (
        "diagnose assembled from covariance_spectrum, effective_rank and mean_cosine, "
        "all three through an svd of X - X.mean(0) and plain row normalization",
        """
def covariance_spectrum(X):
    X = _check_data(X)
    n, d = X.shape
    s = np.linalg.svd(X - X.mean(axis=0), compute_uv=False)
    out = np.zeros(d)
    out[:len(s)] = s ** 2 / (n - 1)
    return out


def effective_rank(X):
    X = _check_data(X)
    if (X == X[0]).all():
        return 0.0
    s = np.linalg.svd(X - X.mean(axis=0), compute_uv=False)
    p = s[s > 0] / s.sum()
    return float(np.exp(-(p * np.log(p)).sum()))


def mean_cosine(X):
    X = _check_data(X)
    n = len(X)
    norms = np.linalg.norm(X, axis=1)
    nonzero = norms > 0
    U = X[nonzero] / norms[nonzero, None]
    total = U.sum(axis=0)
    return float((total @ total - len(U)) / (n * (n - 1)))


def diagnose(X):
    X = _check_data(X)
    n, d = X.shape
    spectrum = covariance_spectrum(X)
    explained = spectrum / spectrum.sum() if spectrum.sum() > 0 else np.zeros(d)
    rank = effective_rank(X)
    cosine = mean_cosine(X)
    squared = (X ** 2).sum()
    spread = float(np.sqrt(((X - X.mean(axis=0)) ** 2).sum() / squared)) if squared > 0 else 0.0
    ratio = rank / min(n - 1, d)
    if spread < 1e-3:
        status = "complete_collapse"
    elif ratio < 0.25:
        status = "dimensional_collapse"
    elif cosine > 0.5:
        status = "anisotropic"
    else:
        status = "healthy"
    return {"status": status, "effective_rank": rank, "mean_cosine": cosine,
            "explained_variance": explained, "spread": spread, "rank_ratio": ratio}
"""),
    "cosine_in_chunks": (
        "mean_cosine normalizing 4096 rows at a time: O(4096 d) extra memory",
        """
def _mean_cosine(X):
    n = len(X)
    total, nonzero = np.zeros(X.shape[1]), 0
    for start in range(0, n, 4096):
        block = X[start:start + 4096]
        norms = np.linalg.norm(block, axis=1, keepdims=True)
        units = np.divide(block, norms, out=np.zeros_like(block), where=norms > 0)
        total += units.sum(axis=0)
        nonzero += int(np.count_nonzero(norms))
    return float(np.clip((total @ total - nonzero) / (n * (n - 1)), -1.0, 1.0))
"""),
}
