"""Hidden suite of kata 6, collapse.

Expected values come from plain formulas written here (np.linalg.eigvalsh of a covariance
written out, np.linalg.svd of centered data, the n x n cosine matrix of a small X), from
invariances (scaling, rotation) and from small hand-derived cases; never from solutions/.
The statuses of diagnose are checked on data built to sit far from every threshold, and
exact zeros are only asked for where they are exact by construction (identical rows, zero
data), whatever the order of the arithmetic and the BLAS kernel.
"""

import dataclasses

import numpy as np
import pytest

from grading import show
from grading.checks import as_array, as_float, close, expect, finite, unchanged

KATA = "collapse"

STATUSES = ("healthy", "anisotropic", "dimensional_collapse", "complete_collapse")
KEYS = ("status", "effective_rank", "mean_cosine", "explained_variance", "spread", "rank_ratio")


def rng(seed):
    return np.random.default_rng(seed)


def unit(v):
    return v / np.linalg.norm(v)


# ---------------------------------------------------------------- plain formulas

def plain_spectrum(X):
    """Eigenvalues of the ddof=1 covariance, largest first, tiny negatives clipped."""
    X = np.asarray(X, dtype=float)
    Xc = X - X.mean(axis=0)
    cov = Xc.T @ Xc / (len(X) - 1)
    return np.clip(np.linalg.eigvalsh(cov)[::-1], 0.0, None)


def plain_effective_rank(X):
    X = np.asarray(X, dtype=float)
    s = np.linalg.svd(X - X.mean(axis=0), compute_uv=False)
    p = s / s.sum()
    p = p[p > 0]
    return float(np.exp(-np.sum(p * np.log(p))))


def plain_mean_cosine(X):
    """The n x n cosine matrix, zero rows giving 0, averaged off the diagonal."""
    X = np.asarray(X, dtype=float)
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    U = np.where(norms > 0, X / np.where(norms > 0, norms, 1.0), 0.0)
    C = U @ U.T
    n = len(X)
    return float((C.sum() - np.trace(C)) / (n * (n - 1)))


# ---------------------------------------------------------------- diagnose helpers

def report_of(called):
    """The dict diagnose returned, with every documented key."""
    value = called.value
    expect(isinstance(value, dict), called, f"returned {show.value(value)}", "a dict",
           "diagnose returns a dict of named results (see the docstring)")
    missing = [k for k in KEYS if k not in value]
    expect(not missing, called, f"returned a dict without the keys {missing}", f"the keys {list(KEYS)}",
           "the docstring lists every key diagnose reports")
    return value


def entry(called, key):
    """One entry of the report, named `key` in messages."""
    return dataclasses.replace(called, value=called.value[key], label=key)


def check_status(called, expected, why):
    report = report_of(called)
    status = report["status"]
    expect(isinstance(status, str) and status in STATUSES, called, f"status {show.value(status)}",
           f"one of {', '.join(STATUSES)}", "status is one of the four names of the docstring")
    expect(status == expected, called,
           f"status {status!r} (effective_rank {show.value(report['effective_rank'])}, "
           f"mean_cosine {show.value(report['mean_cosine'])})", repr(expected), why)
    return report


# ---------------------------------------------------------------- covariance_spectrum

def test_covariance_spectrum_matches_eigvalsh(kata):
    """covariance_spectrum gives the eigenvalues of the ddof=1 covariance, largest first"""
    X = rng(1).normal(size=(12, 5)) * np.array([3.0, 0.5, 2.0, 1.0, 0.2]) + 4.0
    called = kata.covariance_spectrum(X)
    got = as_array(called, (5,))
    close(called, got, plain_spectrum(X),
          "eigenvalues of (X - mean).T @ (X - mean) / (n - 1), sorted in descending order", rtol=1e-9, atol=1e-12)


def test_covariance_spectrum_pads_to_d_when_n_is_small(kata):
    """covariance_spectrum returns d values, zeros after the first n - 1, when n <= d"""
    X = rng(2).normal(size=(5, 8))
    called = kata.covariance_spectrum(X)
    got = as_array(called, (8,))
    close(called, got, plain_spectrum(X),
          "5 centered rows span at most 4 directions: 4 positive eigenvalues, then zeros up to d = 8",
          rtol=1e-9, atol=1e-12)


def test_covariance_spectrum_is_never_negative(kata):
    """covariance_spectrum reports no negative eigenvalue on rank-deficient data"""
    # 37 zero eigenvalues: eigvalsh gives each as rounding noise of either sign (about half
    # of them negative, on every BLAS kernel), so unclipped noise cannot hide here.
    r = rng(3)
    X = r.normal(size=(60, 3)) @ r.normal(size=(3, 40)) + 1.0
    called = kata.covariance_spectrum(X)
    got = as_array(called, (40,))
    expect(got.min() >= 0.0, called, f"returned an array whose smallest entry is {got.min():.3g}",
           "values >= 0", "a covariance has no negative eigenvalue: clip rounding noise such as -1e-16 to 0")
    close(called, got, plain_spectrum(X), "rank-3 data: three positive eigenvalues, then zeros", rtol=1e-9,
          atol=1e-12)


@pytest.mark.validation
@pytest.mark.parametrize("case, why", [
    ("one_dim", "X must be 2-D (n, d)"),
    ("one_row", "a ddof=1 covariance needs at least 2 rows (too few samples)"),
    ("nan", "X must be finite: no NaN"),
    ("overflow", "entries of 1e200 have variances of 1e400, beyond float64: a ValueError, not inf"),
])
def test_covariance_spectrum_rejects_bad_input(kata, case, why):
    """covariance_spectrum raises a ValueError for bad input"""
    X = {"one_dim": np.arange(4.0), "one_row": np.ones((1, 3)),
         "nan": np.array([[1.0, 2.0], [np.nan, 0.0], [3.0, 1.0]]),
         "overflow": rng(23).normal(size=(10, 3)) * 1e200}[case]
    with kata.raises(why):
        kata.covariance_spectrum(X)


# ---------------------------------------------------------------- effective_rank

def test_effective_rank_of_equal_singular_values_is_k(kata):
    """effective_rank is exactly k for k equal singular values (and a zero one)"""
    X = np.array([[1, 0, 0, 0], [-1, 0, 0, 0], [0, 1, 0, 0], [0, -1, 0, 0], [0, 0, 1, 0], [0, 0, -1, 0]], float)
    called = kata.effective_rank(X)
    got = as_float(called)
    close(called, got, 3.0, "s = (1.414, 1.414, 1.414, 0): p = (1/3, 1/3, 1/3) over p > 0 "
          "(skip p = 0: 0 * log 0 is NaN in numpy), so exp(log 3) = 3", rtol=1e-6)


def test_effective_rank_matches_the_formula(kata):
    """effective_rank uses p = s / sum(s) with s the singular values"""
    X = rng(4).normal(size=(20, 6)) * np.array([4.0, 2.0, 1.0, 0.5, 0.25, 0.1])
    called = kata.effective_rank(X)
    got = as_float(called)
    close(called, got, plain_effective_rank(X),
          "p = s / sum(s) with s the singular values of the centered X, not s**2 (the eigenvalues)", rtol=1e-6)


def test_effective_rank_of_rank_one_data_is_one(kata):
    """effective_rank of data along a single direction is 1"""
    r = rng(5)
    X = np.outer(r.normal(size=10), r.normal(size=4))
    called = kata.effective_rank(X)
    close(called, as_float(called), 1.0, "one nonzero singular value: p = (1, 0, 0, 0), entropy 0, exp(0) = 1",
          rtol=1e-5)


def test_effective_rank_centers_the_data(kata):
    """effective_rank of a constant offset plus one direction is 1, not 2"""
    r = rng(6)
    X = np.array([5.0, -3.0, 2.0, 1.0]) + np.outer(r.normal(size=12), np.array([1.0, 2.0, 0.0, -1.0]))
    called = kata.effective_rank(X)
    close(called, as_float(called), 1.0,
          "subtract the mean row first: the offset shared by every row is not a direction the data varies in",
          rtol=1e-5)


def test_effective_rank_of_identical_rows_is_zero(kata):
    """effective_rank is 0.0 when every row is the same, 1.0 once one row differs"""
    X = np.tile([0.1, 0.7, 1 / 3, 0.3, 2.9], (7, 1))
    called = kata.effective_rank(X)
    close(called, as_float(called), 0.0,
          "identical rows have no variation at all; X - X.mean(0) leaves rounding noise of about 1e-17 here, "
          "which is not a direction", rtol=0, atol=0)
    X = np.vstack([X, [1.1, 0.7, 1 / 3, 0.3, 2.9]])
    called = kata.effective_rank(X)
    close(called, as_float(called), 1.0, "one row off the others: the data varies along one direction",
          rtol=1e-6)


def test_effective_rank_is_invariant_to_scale_and_rotation(kata):
    """effective_rank does not change when X is rotated or scaled by 1e-100 or 1e100"""
    r = rng(7)
    X = r.normal(size=(15, 5)) * np.array([3.0, 1.0, 1.0, 0.3, 0.1]) + 2.0
    Q, _ = np.linalg.qr(r.normal(size=(5, 5)))
    called = kata.effective_rank(X)
    own = as_float(called)
    close(called, own, plain_effective_rank(X), "exp(entropy) of p = s / sum(s), s the singular values of "
          "the centered X", rtol=1e-6)
    for Y, what in ((X @ Q, "X @ Q for an orthogonal Q"), (X * 1e-100, "X * 1e-100"), (X * 1e100, "X * 1e100")):
        called = kata.effective_rank(Y)
        close(called, as_float(called), own,
              f"{what} must keep your effective_rank(X) (the number expected here): p = s / sum(s) does not "
              "change, so no absolute epsilon or threshold", rtol=1e-6)


@pytest.mark.validation
@pytest.mark.parametrize("case, why", [
    ("three_dim", "X must be 2-D (n, d)"),
    ("one_row", "a single row is too few samples"),
])
def test_effective_rank_rejects_bad_input(kata, case, why):
    """effective_rank raises a ValueError for bad input"""
    X = {"three_dim": np.ones((2, 3, 4)), "one_row": np.array([[1.0, 2.0, 3.0]])}[case]
    with kata.raises(why):
        kata.effective_rank(X)


# ---------------------------------------------------------------- mean_cosine

def test_mean_cosine_matches_the_pairwise_formula(kata):
    """mean_cosine averages the cosine over all pairs i != j"""
    X = rng(8).normal(size=(9, 4)) + np.array([1.0, 0.5, 0.0, 0.0])
    called = kata.mean_cosine(X)
    close(called, as_float(called), plain_mean_cosine(X),
          "sum_{i != j} cos_ij = ||sum_i u_i||^2 - sum_i ||u_i||^2, divided by n (n - 1): "
          "the diagonal (cos_ii = 1) is not a pair", rtol=1e-9, atol=1e-12)


def test_mean_cosine_extremes(kata):
    """mean_cosine is 1 for rows in one direction and -1 for two opposite rows"""
    called = kata.mean_cosine(np.array([[1.0, 2.0], [3.0, 6.0], [0.5, 1.0]]))
    close(called, as_float(called), 1.0, "rows pointing the same way have cosine 1, whatever their lengths",
          rtol=1e-9)
    called = kata.mean_cosine(np.array([[1.0, -2.0, 0.5], [-2.0, 4.0, -1.0]]))
    close(called, as_float(called), -1.0, "two opposite rows: both ordered pairs have cosine -1", rtol=1e-9)


def test_mean_cosine_counts_zero_rows_as_similarity_zero(kata):
    """mean_cosine counts the pairs of a zero row, with similarity 0"""
    called = kata.mean_cosine(np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 0.0]]))
    close(called, as_float(called), 1 / 3,
          "6 ordered pairs; only (0, 1) and (1, 0) have cosine 1, the 4 pairs with the zero row count as 0",
          rtol=1e-9)


def test_mean_cosine_with_zero_rows_is_finite(kata):
    """mean_cosine stays finite and right when some rows are exactly zero"""
    X = rng(9).normal(size=(10, 3)) + 0.5
    X[[2, 7]] = 0.0
    called = kata.mean_cosine(X)
    got = as_float(called)
    finite(called, got, "a zero row has no direction: make its unit vector 0 instead of dividing 0 by 0")
    close(called, got, plain_mean_cosine(X), "zero rows add 0 to the sum but still count in n (n - 1)",
          rtol=1e-9, atol=1e-12)


def test_mean_cosine_is_invariant_to_scale(kata):
    """mean_cosine does not change when X is scaled by 1e-100 or 1e100"""
    X = rng(10).normal(size=(8, 5)) + 0.3
    called = kata.mean_cosine(X)
    own = as_float(called)
    close(called, own, plain_mean_cosine(X), "the mean cosine over the pairs i != j", rtol=1e-9, atol=1e-12)
    for factor in (1e-100, 1e100):
        called = kata.mean_cosine(X * factor)
        close(called, as_float(called), own,
              f"X * {factor:g} must keep your mean_cosine(X) (the number expected here): only exact zero rows "
              "are zero, so no epsilon added to the norms", rtol=1e-9, atol=1e-12)


@pytest.mark.validation
@pytest.mark.parametrize("case, why", [
    ("one_dim", "X must be 2-D (n, d)"),
    ("one_row", "one row has no pair i != j (too few samples)"),
    ("inf", "X must be finite: no inf"),
])
def test_mean_cosine_rejects_bad_input(kata, case, why):
    """mean_cosine raises a ValueError for bad input"""
    X = {"one_dim": np.array([1.0, 2.0, 3.0]), "one_row": np.array([[1.0, 2.0]]),
         "inf": np.array([[1.0, np.inf], [0.0, 1.0]])}[case]
    with kata.raises(why):
        kata.mean_cosine(X)


@pytest.mark.scale(0.6, "correct but too slow: vectorize (O(n d) with the sum of the unit rows: "
                   "no n x n matrix, no Python loop over rows or pairs)")
def test_scale_mean_cosine_is_linear_in_n(kata):
    """mean_cosine handles a million rows without an n x n matrix"""
    r = rng(11)
    block = r.standard_normal((2000, 4)) + 0.3
    block[::100] = 0.0
    X = np.tile(block.astype(np.float32), (500, 1))  # 1,000,000 rows: an n x n matrix would hold 1e12 entries
    n = len(X)
    rows = block.astype(np.float32).astype(np.float64)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    unit_sum = 500 * np.divide(rows, norms, out=np.zeros_like(rows), where=norms > 0).sum(axis=0)
    expected = (unit_sum @ unit_sum - 500 * np.count_nonzero(norms)) / (n * (n - 1))
    called = kata.mean_cosine(X)
    close(called, as_float(called), expected, "the mean over all pairs i != j, zero rows counting as 0",
          rtol=3e-4, atol=1e-7)


# ---------------------------------------------------------------- diagnose

def test_diagnose_isotropic_data_is_healthy(kata):
    """diagnose calls isotropic Gaussian data healthy"""
    X = rng(12).normal(size=(200, 16))
    check_status(kata.diagnose(X), "healthy", "isotropic data uses every direction and has mean cosine near 0")


def test_diagnose_a_cone_is_anisotropic(kata):
    """diagnose calls data in a narrow cone anisotropic"""
    r = rng(13)
    X = unit(r.normal(size=16)) + 0.1 * r.normal(size=(200, 16))
    check_status(kata.diagnose(X), "anisotropic",
                 "a shared mean direction plus a small full-rank spread: mean cosine about 0.87 > 0.5, "
                 "rank_ratio near 1")


def test_diagnose_a_subspace_is_dimensional_collapse(kata):
    """diagnose calls data in a 3-dimensional subspace of R^48 dimensional collapse"""
    r = rng(14)
    X = r.normal(size=(200, 3)) @ r.normal(size=(3, 48))
    check_status(kata.diagnose(X), "dimensional_collapse",
                 "effective rank about 3 out of min(n - 1, d) = 48: rank_ratio < 0.25")


def test_diagnose_nearly_identical_rows_are_complete_collapse(kata):
    """diagnose calls rows equal up to 1e-9 relative noise complete collapse"""
    r = rng(15)
    row = 5.0 * r.normal(size=16)
    X = row + 1e-9 * np.linalg.norm(row) * r.normal(size=(50, 16))
    check_status(kata.diagnose(X), "complete_collapse",
                 "spread about 1e-9 < 1e-3: every row is the same point up to noise (the noise alone "
                 "has a high effective rank, so test the spread first)")


def test_diagnose_a_repeated_row_is_complete_collapse(kata):
    """diagnose reports complete collapse, not a milder status, for one repeated row"""
    X = np.tile([0.1, 0.7, 1 / 3, 0.3, 2.9], (7, 1))
    called = kata.diagnose(X)
    check_status(called, "complete_collapse",
                 "effective rank 0 and mean cosine 1 also look like the other collapses: the worst status wins")
    close(entry(called, "effective_rank"), as_float(entry(called, "effective_rank")), 0.0,
          "every row is the same: effective rank 0.0", rtol=0, atol=0)
    close(entry(called, "mean_cosine"), as_float(entry(called, "mean_cosine")), 1.0,
          "every pair of identical rows has cosine 1", rtol=1e-9)


def test_diagnose_all_zero_data(kata):
    """diagnose of all-zero data is complete collapse with no NaN"""
    called = kata.diagnose(np.zeros((6, 4)))
    check_status(called, "complete_collapse", "every row is the same point, the origin")
    ev = as_array(entry(called, "explained_variance"), (4,))
    close(entry(called, "explained_variance"), ev, np.zeros(4),
          "no variance to explain: the docstring defines explained_variance as zeros when the spectrum sums to 0",
          atol=0)
    for key in ("effective_rank", "mean_cosine", "spread"):
        part = entry(called, key)
        close(part, as_float(part), 0.0, f"{key} of all-zero data is 0.0 (zero rows have similarity 0)", atol=0)


def test_diagnose_few_samples_in_high_dimension(kata):
    """diagnose calls 12 isotropic samples in R^200 healthy"""
    X = rng(16).normal(size=(12, 200))
    called = kata.diagnose(X)
    check_status(called, "healthy", "12 centered rows span at most 11 directions: compare the effective "
                 "rank with min(n - 1, d) = 11, not with d = 200")
    part = entry(called, "rank_ratio")
    close(part, as_float(part), plain_effective_rank(X) / 11, "rank_ratio = effective_rank / min(n - 1, d)",
          rtol=1e-6)


def test_diagnose_tolerates_zero_rows(kata):
    """diagnose stays finite and healthy when a few rows are exactly zero"""
    X = rng(17).normal(size=(200, 16))
    X[[3, 50, 77, 150]] = 0.0
    called = kata.diagnose(X)
    check_status(called, "healthy", "four zero rows among 200 isotropic ones change almost nothing")
    for key in ("effective_rank", "mean_cosine", "spread", "rank_ratio"):
        part = entry(called, key)
        finite(part, as_float(part), "zero rows must not produce NaN")
    finite(entry(called, "explained_variance"), as_array(entry(called, "explained_variance"), (16,)),
           "zero rows must not produce NaN")


def test_diagnose_dimensional_collapse_outranks_anisotropy(kata):
    """diagnose calls a cone that is also flat dimensional collapse"""
    r = rng(18)
    X = 3.0 * unit(r.normal(size=32)) + 0.3 * r.normal(size=(100, 2)) @ r.normal(size=(2, 32))
    check_status(kata.diagnose(X), "dimensional_collapse",
                 "mean cosine > 0.5 and rank_ratio < 0.25 both hold: dimensional collapse is the worse one")


def test_diagnose_is_scale_aware(kata):
    """diagnose gives the same status when X is scaled by 1e-8 or 1e8"""
    r = rng(19)
    healthy = r.normal(size=(100, 8))
    row = r.normal(size=8)
    collapsed = row + 1e-9 * r.normal(size=(40, 8))
    for X, status in ((healthy * 1e-8, "healthy"), (collapsed * 1e8, "complete_collapse")):
        check_status(kata.diagnose(X), status,
                     "compare the spread with the size of the rows (the spread ratio), not with an absolute number")


def test_diagnose_reports_the_numbers(kata):
    """diagnose reports effective_rank, mean_cosine, explained_variance, spread and rank_ratio"""
    r = rng(20)
    X = r.normal(size=(30, 6)) * np.array([3.0, 2.0, 1.0, 1.0, 0.5, 0.2]) + 1.0
    called = kata.diagnose(X)
    report_of(called)
    spectrum = plain_spectrum(X)
    centered = X - X.mean(axis=0)
    expected = {
        "effective_rank": plain_effective_rank(X),
        "mean_cosine": plain_mean_cosine(X),
        "spread": np.sqrt(np.sum(centered ** 2) / np.sum(X ** 2)),
        "rank_ratio": plain_effective_rank(X) / 6,
    }
    why = {
        "effective_rank": "the same number effective_rank(X) returns",
        "mean_cosine": "the same number mean_cosine(X) returns",
        "spread": "sqrt(sum_i ||x_i - mean||^2 / sum_i ||x_i||^2)",
        "rank_ratio": "effective_rank / min(n - 1, d)",
    }
    for key, value in expected.items():
        part = entry(called, key)
        close(part, as_float(part), value, why[key], rtol=1e-6, atol=1e-12)
    part = entry(called, "explained_variance")
    close(part, as_array(part, (6,)), spectrum / spectrum.sum(),
          "covariance_spectrum(X) divided by its sum: largest first, summing to 1", rtol=1e-6, atol=1e-12)


@pytest.mark.validation
@pytest.mark.parametrize("case, why", [
    ("one_row", "a single row is too few samples to diagnose"),
    ("nan", "X must be finite: no NaN"),
])
def test_diagnose_rejects_bad_input(kata, case, why):
    """diagnose raises a ValueError for bad input"""
    X = {"one_row": np.array([[1.0, 2.0, 3.0]]), "nan": np.array([[1.0, 2.0], [np.nan, 0.0]])}[case]
    with kata.raises(why):
        kata.diagnose(X)


@pytest.mark.parametrize("scale", [1e200, 1e-200], ids=lambda c: f"X * {c:g}")
def test_diagnose_works_at_any_scale(kata, scale):
    """diagnose reports the same numbers for X * 1e200 and X * 1e-200 as for X"""
    r = rng(24)
    X = r.normal(size=(40, 6)) * np.array([3.0, 2.0, 1.0, 1.0, 0.5, 0.2]) + 1.0
    called = kata.diagnose(X * scale)
    check_status(called, "healthy", "the status is scale-free: X * c gets the verdict of X")
    spectrum = plain_spectrum(X)
    centered = X - X.mean(axis=0)
    expected = {
        "effective_rank": plain_effective_rank(X),
        "mean_cosine": plain_mean_cosine(X),
        "spread": np.sqrt(np.sum(centered ** 2) / np.sum(X ** 2)),
        "explained_variance": spectrum / spectrum.sum(),
    }
    why = ("every number diagnose reports is scale-free, but the variances of X * 1e200 overflow and those of "
           "X * 1e-200 underflow: compute from X divided by its largest |entry|")
    for key, value in expected.items():
        part = entry(called, key)
        got = as_array(part, (6,)) if key == "explained_variance" else as_float(part)
        close(part, got, value, why, rtol=1e-6, atol=1e-12)


@pytest.mark.validation
@pytest.mark.parametrize("func", ["covariance_spectrum", "effective_rank", "mean_cosine", "diagnose"])
def test_data_without_columns_is_rejected(kata, func):
    """every function raises a ValueError for X with no column"""
    with kata.raises("X of shape (3, 0) has no column: there is no direction, spectrum or cosine (d >= 1)"):
        getattr(kata, func)(np.zeros((3, 0)))


# ---------------------------------------------------------------- contract-wide

@pytest.mark.side
def test_inputs_are_left_unchanged(kata):
    """no function changes its input in place"""
    X = rng(21).normal(size=(10, 4)) + 2.0
    for func in ("covariance_spectrum", "effective_rank", "mean_cosine", "diagnose"):
        unchanged(getattr(kata, func)(X.copy()))


@pytest.mark.side
def test_results_are_float64(kata):
    """array results are float64, also for float32 or integer input"""
    X32 = rng(22).normal(size=(6, 3)).astype(np.float32)
    for called in (kata.covariance_spectrum(X32), kata.covariance_spectrum([[1, 2], [3, 5], [0, 1]])):
        dtype = np.asarray(called.value).dtype
        expect(dtype == np.float64, called, f"returned dtype {dtype}", "float64",
               "the contract's arrays are float64: convert X with np.asarray(X, dtype=float)")
    called = kata.diagnose(X32)
    report_of(called)
    part = entry(called, "explained_variance")
    dtype = np.asarray(part.value).dtype
    expect(dtype == np.float64, part, f"explained_variance of dtype {dtype}", "float64",
           "the contract's arrays are float64: convert X with np.asarray(X, dtype=float)")
