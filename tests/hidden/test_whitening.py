"""Hidden suite of kata 5, whitening.

Expected values come from properties (identity covariance, symmetry, invariance under
linear maps, projectors) and from plain formulas written here (the ddof=1 covariance
as one matrix product, its eigh); never from solutions/. No check depends on the sign
of an eigenvector or on svd versus eigh: bases are compared through sign-free products
such as W^T W, W W^T and projectors. Zero rows and exact zeros are only asked for where
they are exact by construction (small integers and quarters), whatever the order of the
arithmetic and the BLAS kernel.
"""

import dataclasses

import numpy as np
import pytest

from grading.checks import as_array, close, expect, finite, fixed, unchanged

KATA = "whitening"
LIMIT = 1.0  # CPU seconds for one call of the scale checks


def rng(seed):
    return np.random.default_rng(seed)


def _rotation(r, d):
    """A random orthogonal d x d matrix."""
    q, upper = np.linalg.qr(r.normal(size=(d, d)))
    return q * np.sign(np.diag(upper))


def _spread(seed, n, scales, offset=3.0):
    """n samples with clearly separated variances scales**2 along random directions."""
    r = rng(seed)
    scales = np.asarray(scales, dtype=float)
    return offset + (r.normal(size=(n, scales.size)) * scales) @ _rotation(r, scales.size).T


def _cov(X):
    """The ddof=1 covariance of the rows, written out."""
    Xc = X - X.mean(axis=0)
    return Xc.T @ Xc / (len(X) - 1)


def _top_directions(X, k):
    """The k principal directions of largest variance (columns), by eigh."""
    _, vecs = np.linalg.eigh(_cov(X))
    return vecs[:, ::-1][:, :k]


def _cosines(Z):
    n = Z / np.linalg.norm(Z, axis=1, keepdims=True)
    return n @ n.T


def _whitened_cosines(X, eps=1e-8):
    """The cosines of the whitened rows, sign-free: Z Z^T = Xc (Sigma + eps I)^-1 Xc^T for
    every full whitening (PCA with every column, or ZCA)."""
    Xc = X - X.mean(axis=0)
    G = Xc @ np.linalg.solve(_cov(X) + eps * np.eye(X.shape[1]), Xc.T)
    g = np.sqrt(np.diag(G))
    return G / np.outer(g, g)


def _white_spectrum(called, Z, expected, why):
    """The eigenvalues of np.cov(Z, rowvar=False), largest first, are `expected`."""
    got = np.linalg.eigvalsh(_cov(Z))[::-1]
    close(_labelled(called, "the eigenvalues of np.cov((X - mu) @ W, rowvar=False)"), got, expected, why,
          rtol=0, atol=1e-6)


def _labelled(called, label):
    """The same call, with messages about `label` (a quantity computed from its result)."""
    return dataclasses.replace(called, label=label)


def _fit(called, d, k):
    return as_array(called.part(0, "mu"), (d,)), as_array(called.part(1, "W"), (d, k))


# ---------------------------------------------------------------- fit_whitening

def test_fit_mu_is_the_column_mean(kata):
    """fit_whitening's mu is the mean row of X"""
    X = _spread(1, 5, [2.0, 1.5, 1.0, 0.7, 0.5]) + np.arange(5.0)
    called = kata.fit_whitening(X.tolist())
    mu = as_array(called.part(0, "mu"), (5,))
    close(called.part(0, "mu"), mu, X.mean(axis=0), "mu is the mean over the samples, X.mean(axis=0): rows are samples")


@pytest.mark.side
def test_fit_rows_are_samples(kata):
    """fit_whitening returns a (d, d) W for n samples of dimension d"""
    X = _spread(2, 12, [3.0, 2.0, 1.0, 0.5])
    called = kata.fit_whitening(X)
    W = as_array(called.part(1, "W"))
    expect(W.shape == (4, 4), called.part(1, "W"), f"W of shape {W.shape}", "shape (4, 4)",
           "rows are samples, so the covariance is d x d (np.cov(X) treats rows as variables: "
           "use rowvar=False)")


@pytest.mark.parametrize("method", ["pca", "zca"])
def test_fit_whitens_the_training_data(kata, method):
    """the whitened training data has identity covariance (ddof=1)"""
    X = _spread(3, 12, [3.0, 2.0, 1.0, 0.5])
    called = kata.fit_whitening(X, method=method)
    _, W = _fit(called, 4, 4)
    Z = (X - X.mean(axis=0)) @ W
    close(called.part(1, "np.cov((X - mu) @ W, rowvar=False)"), _cov(Z), np.eye(4),
          "W^T Sigma W must be I with Sigma = Xc^T Xc / (n - 1) (ddof=1), and W must use 1 / sqrt(s)",
          rtol=0, atol=1e-6)


def test_fit_pca_columns_follow_decreasing_variance(kata):
    """PCA's columns are the principal directions, largest variance first"""
    X = _spread(4, 30, [3.0, 2.0, 1.0, 0.5])
    eps = 1e-3
    s = np.linalg.eigvalsh(_cov(X))[::-1]
    called = kata.fit_whitening(X, dim=4, eps=eps)
    _, W = _fit(called, 4, 4)
    close(called.part(1, "W^T W"), W.T @ W, np.diag(1 / (s + eps)),
          "column j of W is u_j / sqrt(s_j + eps), with s descending (np.linalg.eigh returns ascending "
          "order: reverse it)", rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("method", ["pca", "zca"])
def test_fit_eps_goes_inside_the_square_root(kata, method):
    """with eps = 0.5, W W^T is (Sigma + 0.5 I)^-1"""
    X = _spread(5, 10, [2.0, 1.0, 0.6, 0.3])
    called = kata.fit_whitening(X, method=method, eps=0.5)
    _, W = _fit(called, 4, 4)
    close(called.part(1, "W W^T"), W @ W.T, np.linalg.inv(_cov(X) + 0.5 * np.eye(4)),
          "the scales are 1 / sqrt(s + eps): eps inside the square root, s from the ddof=1 covariance",
          rtol=1e-6, atol=1e-9)


def test_fit_rows_are_samples_for_square_X(kata):
    """fit_whitening treats rows as samples even when X is square (n == d)"""
    X = _spread(6, 6, [2.0, 1.5, 1.0, 0.8, 0.6, 0.4]) * np.array([1, 2, 3, 1, 2, 3.0])
    called = kata.fit_whitening(X, eps=0.5)
    _, W = _fit(called, 6, 6)
    close(called.part(1, "W W^T"), W @ W.T, np.linalg.inv(_cov(X) + 0.5 * np.eye(6)),
          "Sigma = np.cov(X, rowvar=False): np.cov(X) has the right shape when n == d, but it compares rows",
          rtol=1e-6, atol=1e-9)


def test_fit_zca_is_the_symmetric_inverse_square_root(kata):
    """ZCA's W is symmetric, positive definite, and W @ W = (Sigma + eps I)^-1"""
    X = _spread(7, 15, [2.5, 1.5, 1.0, 0.4])
    called = kata.fit_whitening(X, method="zca", eps=0.25)
    _, W = _fit(called, 4, 4)
    close(called.part(1, "W.T"), W.T, W, "ZCA's W = U diag(1 / sqrt(s + eps)) U^T is symmetric: "
          "do not forget the trailing U^T", rtol=1e-7, atol=1e-10)
    lowest = np.linalg.eigvalsh((W + W.T) / 2).min()
    expect(lowest > 0, called.part(1, "W"), f"W with an eigenvalue {lowest:.4g}", "positive eigenvalues only",
           "ZCA's W is the positive definite square root of (Sigma + eps I)^-1")
    close(called.part(1, "W @ W"), W @ W, np.linalg.inv(_cov(X) + 0.25 * np.eye(4)),
          "ZCA's W is (Sigma + eps I)^(-1/2)", rtol=1e-6, atol=1e-9)


def _cayley(r, d, size):
    """An orthogonal matrix near the identity: (I - S)^-1 (I + S) for a small skew S."""
    a = r.normal(size=(d, d)) * size
    skew = a - a.T
    return np.linalg.solve(np.eye(d) - skew, np.eye(d) + skew)


def test_fit_zca_stays_closest_to_the_data(kata):
    """ZCA's output is closer to the centered data than any rotation of it"""
    X = _spread(8, 40, [3.0, 2.0, 1.0, 0.5])
    called = kata.fit_whitening(X, method="zca")
    _, W = _fit(called, 4, 4)
    Xc = X - X.mean(axis=0)
    Z = Xc @ W
    close(called.part(1, "np.cov((X - mu) @ W, rowvar=False)"), _cov(Z), np.eye(4),
          "ZCA is a whitening first: identity covariance (ddof=1)", rtol=0, atol=1e-6)
    best = np.linalg.norm(Z - Xc)
    r = rng(9)
    rotations = [_rotation(r, 4) for _ in range(20)] + [_cayley(r, 4, 0.05) for _ in range(20)]
    closest = min(np.linalg.norm(Z @ R - Xc) for R in rotations)
    expect(closest > best - 1e-9, called.part(1, "W"), f"||Xc W - Xc|| = {best:.6g}, while a rotation of "
           f"the output reaches {closest:.6g}", "no whitening closer to Xc than ZCA's",
           "ZCA rotates the PCA output back to the original axes: W = U diag(1 / sqrt(s + eps)) U^T")


def test_fit_pca_dim_keeps_the_top_directions(kata):
    """PCA with dim=k keeps the k directions of largest variance"""
    X = _spread(10, 60, [4.0, 3.0, 2.0, 1.0, 0.5, 0.25])
    called = kata.fit_whitening(X, dim=3)
    _, W = _fit(called, 6, 3)
    Z = (X - X.mean(axis=0)) @ W
    close(called.part(1, "np.cov((X - mu) @ W, rowvar=False)"), _cov(Z), np.eye(3),
          "the k kept coordinates are still white: covariance I_k", rtol=0, atol=1e-6)
    top = _top_directions(X, 3)
    close(called.part(1, "the projector onto the columns of W"), W @ np.linalg.pinv(W), top @ top.T,
          "keep U[:, :k] for the k LARGEST variances (eigh sorts ascending: reverse it first)",
          rtol=0, atol=1e-6)


@pytest.mark.parametrize("method", ["pca", "zca"])
def test_fit_rank_deficient_data_stays_finite(kata, method):
    """whitening n < d samples with a duplicated and a constant column stays finite and white"""
    base = rng(11).normal(size=(5, 5))
    X = np.column_stack([base, base[:, 1], np.full(5, 3.0)])
    called = kata.fit_whitening(X, method=method)
    mu, W = _fit(called, 7, 7)
    finite(called.part(1, "W"), W, "zero variances need eps inside the square root: 1 / sqrt(s + eps)")
    Z = (X - mu) @ W
    finite(called.part(1, "(X - mu) @ W"), Z, "zero variances need eps: 1 / sqrt(0) is inf, and 0 * inf is NaN")
    _white_spectrum(called.part(1, "W"), Z, [1, 1, 1, 1, 0, 0, 0],
                    "5 centered rows span 4 directions: variance 1 on those, 0 on the 3 others")


def test_fit_pca_whitens_the_span_of_rank_deficient_data(kata):
    """PCA whitening still gives identity covariance on the k = n - 1 directions the data spans"""
    X = rng(12).normal(size=(5, 8)) * np.array([3.0, 2.5, 2.0, 1.5, 1.0, 0.8, 0.6, 0.4])
    called = kata.fit_whitening(X, dim=4)
    _, W = _fit(called, 8, 4)
    Z = (X - X.mean(axis=0)) @ W
    close(called.part(1, "np.cov((X - mu) @ W, rowvar=False)"), _cov(Z), np.eye(4),
          "5 centered samples span 4 directions, the ones of largest variance (rows are samples)",
          rtol=0, atol=1e-6)


@pytest.mark.validation
@pytest.mark.parametrize("case, why", [
    ("one_row", "a covariance needs at least 2 samples"),
    ("not_2d", "X must be 2-D (n, d)"),
    ("dim_zero", "dim must be in 1..d"),
    ("dim_too_large", "dim must be in 1..d"),
    ("dim_with_zca", "dim must be None with method='zca'"),
    ("unknown_method", "method must be 'pca' or 'zca'"),
])
def test_fit_rejects_bad_input(kata, case, why):
    """fit_whitening raises a ValueError for bad input"""
    X = _spread(13, 6, [2.0, 1.0, 0.5])
    args, kwargs = {
        "one_row": ((X[:1],), {}),
        "not_2d": ((X[0],), {}),
        "dim_zero": ((X,), {"dim": 0}),
        "dim_too_large": ((X,), {"dim": 4}),
        "dim_with_zca": ((X,), {"dim": 2, "method": "zca"}),
        "unknown_method": ((X,), {"method": "cholesky"}),
    }[case]
    with kata.raises(why):
        kata.fit_whitening(*args, **kwargs)


# ---------------------------------------------------------------- apply_whitening

def test_apply_centers_with_the_given_mu(kata):
    """apply_whitening returns (X - mu) @ W with the mu and W it is given"""
    r = rng(14)
    X = r.normal(size=(7, 4)) + 5.0
    mu = r.normal(size=4)
    W = r.normal(size=(4, 3))
    called = kata.apply_whitening(X, mu, W)
    got = as_array(called, (7, 3))
    close(called, got, (X - mu) @ W, "subtract the fitted mu (not X's own mean), then multiply by W")


def test_apply_normalize_gives_unit_rows(kata):
    """apply_whitening(normalize=True) scales rows to unit length; a zero row stays zero"""
    # Integers and quarters: every product and sum is exact, so row 1 (equal to mu) whitens
    # to exact zeros in any order of the arithmetic ((X - mu) @ W or X @ W - mu @ W).
    mu = np.array([1.0, -2.0, 3.0])
    X = np.array([[3.0, 0.0, 1.0], [1.0, -2.0, 3.0], [-1.0, 2.0, 5.0], [4.0, -3.0, 3.0], [0.0, 0.0, 0.0]])
    W = np.array([[0.5, -0.25, 1.0], [0.75, 0.5, -0.5], [-1.0, 0.25, 0.5]])
    called = kata.apply_whitening(X, mu, W, normalize=True)
    got = as_array(called, (5, 3))
    Z = (X - mu) @ W
    keep = np.arange(5) != 1
    Z[keep] /= np.linalg.norm(Z[keep], axis=1, keepdims=True)
    close(called, got, Z, "each row of (X - mu) @ W divided by its L2 norm; a row equal to mu whitens to "
          "zeros and must stay zeros, not 0/0 = NaN", atol=1e-12)


@pytest.mark.validation
@pytest.mark.parametrize("case, why", [
    ("mu_length", "mu must have shape (d,)"),
    ("W_rows", "W must have shape (d, k)"),
    ("X_not_2d", "X must be 2-D (n, d)"),
])
def test_apply_rejects_mismatched_shapes(kata, case, why):
    """apply_whitening raises a ValueError when the shapes of X, mu and W disagree"""
    X, mu, W = np.ones((3, 4)), np.zeros(4), np.eye(4)
    args = {
        "mu_length": (X, np.zeros(3), W),
        "W_rows": (X, mu, np.eye(5)[:, :4]),
        "X_not_2d": (np.ones(4), mu, W),
    }[case]
    with kata.raises(why):
        kata.apply_whitening(*args)


# ---------------------------------------------------------------- whitening as a whole

@pytest.mark.parametrize("method", ["pca", "zca"])
def test_whitened_cosines_ignore_invertible_linear_maps(kata, method):
    """cosines after whitening do not change when X is replaced by X @ A"""
    r = rng(16)
    X = _spread(17, 30, [2.0, 1.5, 1.0, 0.7, 0.5])
    A = _rotation(r, 5) @ np.diag([3.0, 1.0, 0.5, 2.0, 1.5]) @ _rotation(r, 5)
    expected = _whitened_cosines(X)
    for data, what, why in (
            (X, "X", "cos_ij = xc_i (Sigma + eps I)^-1 xc_j^T / norms: fit, then apply with normalize=True"),
            (X @ A, "X @ A", "whitened X @ A is whitened X times an orthogonal matrix: the same cosines")):
        called = kata.fit_whitening(data, method=method)
        mu, W = _fit(called, 5, 5)
        called = kata.apply_whitening(data, mu, W, normalize=True)
        Zn = as_array(called, (30, 5))
        close(_labelled(called, f"the cosines of the whitened {what}"), Zn @ Zn.T, expected, why,
              rtol=0, atol=1e-6)


def test_whitening_gives_a_cone_its_similarities_back(kata):
    """whitening embeddings squeezed into a narrow cone recovers the cosines of the signal"""
    r = rng(18)
    signal = r.normal(size=(40, 6))
    signal -= signal.mean(axis=0)
    signal = signal @ np.linalg.inv(np.linalg.cholesky(_cov(signal))).T  # exactly white
    squeeze = _rotation(r, 6) @ np.diag([0.6, 0.4, 0.3, 0.2, 0.15, 0.1])
    X = 4.0 + signal @ squeeze
    assert _cosines(X)[np.triu_indices(40, 1)].min() > 0.95  # the cone: every cosine near 1
    called = kata.fit_whitening(X)
    mu, W = _fit(called, 6, 6)
    called = kata.apply_whitening(X, mu, W, normalize=True)
    Zn = as_array(called, (40, 6))
    close(_labelled(called, "the cosine matrix"), Zn @ Zn.T, _cosines(signal),
          "centering removes the offset and W the squeeze: the cosines become those of the signal",
          rtol=0, atol=1e-5)


# ---------------------------------------------------------------- remove_top_components

def test_remove_top_components_output_is_centered(kata):
    """remove_top_components returns centered data"""
    X = _spread(19, 20, [3.0, 2.0, 1.0, 0.5, 0.25], offset=5.0)
    called = kata.remove_top_components(X, 2)
    got = as_array(called, (20, 5))
    close(_labelled(called, "the column means"), got.mean(axis=0), np.zeros(5),
          "all-but-the-top centers first: subtract the mean row before projecting", rtol=0, atol=1e-9)
    left = np.linalg.eigvalsh(_cov(X))[:3].sum()
    close(_labelled(called, "the total variance of the output"), np.sum(got ** 2) / 19, left,
          "removing the top 2 directions leaves the variance of the 3 others", rtol=1e-6, atol=1e-9)


def test_remove_top_components_removes_the_top_directions(kata):
    """the output has no component along the top k principal directions"""
    X = _spread(20, 20, [3.0, 2.0, 1.0, 0.5, 0.25])
    called = kata.remove_top_components(X, 2)
    got = as_array(called, (20, 5))
    top = _top_directions(X, 2)
    close(_labelled(called, "output @ U[:, :2]"), got @ top, np.zeros((20, 2)),
          "project out the k directions of LARGEST variance (out @ U[:, :k] = 0; eigh sorts ascending)",
          rtol=0, atol=1e-8)
    s = np.linalg.eigvalsh(_cov(X))[::-1]
    close(_labelled(called, "the covariance spectrum of the output"), np.linalg.eigvalsh(_cov(got))[::-1],
          np.concatenate([s[2:], [0.0, 0.0]]), "the top 2 variances become 0, the 3 others stay",
          rtol=0, atol=1e-8)


def test_remove_top_components_keeps_the_other_directions(kata):
    """remove_top_components subtracts only the projection on the top k directions"""
    X = _spread(21, 20, [3.0, 2.0, 1.0, 0.5, 0.25])
    called = kata.remove_top_components(X, 2)
    got = as_array(called, (20, 5))
    top = _top_directions(X, 2)
    Xc = X - X.mean(axis=0)
    close(called, got, Xc - Xc @ top @ top.T, "out = Xc - Xc U_k U_k^T: the other directions are kept as "
          "they are", rtol=0, atol=1e-8)


def test_remove_top_components_edge_k(kata):
    """remove_top_components with k = 0 centers only; with k = d it leaves zeros"""
    X = _spread(22, 9, [2.0, 1.0, 0.5, 0.25])
    for k, expected, why in ((0, X - X.mean(axis=0), "k = 0 removes no direction: the centered data"),
                             (4, np.zeros((9, 4)), "k = d removes every direction: zeros")):
        called = kata.remove_top_components(X, k)
        close(called, as_array(called, (9, 4)), expected, why, rtol=0, atol=1e-9)


@pytest.mark.validation
@pytest.mark.parametrize("case, why", [
    ("k_negative", "k must be in 0..d"),
    ("k_too_large", "k must be in 0..d"),
    ("not_2d", "X must be 2-D (n, d)"),
])
def test_remove_top_components_rejects_bad_input(kata, case, why):
    """remove_top_components raises a ValueError for bad input"""
    X = _spread(23, 6, [2.0, 1.0, 0.5])
    args = {"k_negative": (X, -1), "k_too_large": (X, 4), "not_2d": (X[0], 1)}[case]
    with kata.raises(why):
        kata.remove_top_components(*args)


# ---------------------------------------------------------------- contract-wide

@pytest.mark.side
def test_inputs_are_left_unchanged(kata):
    """no function changes its inputs in place"""
    X = _spread(24, 8, [2.0, 1.0, 0.5])
    mu, W = X.mean(axis=0), np.eye(3)
    for called in (kata.fit_whitening(X.copy()), kata.fit_whitening(X.copy(), method="zca"),
                   kata.apply_whitening(X.copy(), mu.copy(), W.copy(), normalize=True),
                   kata.remove_top_components(X.copy(), 1)):
        unchanged(called)


@pytest.mark.side
def test_results_are_float64(kata):
    """integer input gives float64 results"""
    X = np.array([[0, 0], [2, 0], [0, 4], [2, 4], [1, 3]])
    for called in (kata.fit_whitening(X).part(1, "W"), kata.remove_top_components(X, 1),
                   kata.apply_whitening(X, np.array([1, 2]), np.eye(2, dtype=int))):
        dtype = np.asarray(called.value).dtype
        expect(dtype == np.float64, called, f"an array of dtype {dtype}", "float64",
               "the contract's arrays are float64 (convert inputs with np.asarray(X, dtype=float))")


@fixed
def _large():
    """2,000 samples of dimension 512 as float32 (4 MB): three dominant coordinates
    (standard deviations 20, 15, 10), the others between 1.5 and 0.5, mean 3; uniform
    noise, which is quicker to draw than normal noise."""
    r = rng(25)
    scales = np.concatenate([[20.0, 15.0, 10.0], np.linspace(1.5, 0.5, 509)]).astype(np.float32)
    uniform = r.random(size=(2_000, 512), dtype=np.float32) - np.float32(0.5)  # variance 1/12
    return uniform * (scales * np.float32(12 ** 0.5)) + np.float32(3.0)


SLOW = "correct but too slow: vectorize (the covariance is one matrix product, then one SVD of a d x d matrix)"


@pytest.mark.scale(LIMIT, SLOW)
def test_scale_fit_whitening_is_vectorized(kata):
    """fit_whitening and apply_whitening handle 2,000 x 512 quickly"""
    X = _large()
    called = kata.fit_whitening(X, dim=32)
    mu, W = _fit(called, 512, 32)
    close(called.part(0, "mu"), mu, X.mean(axis=0, dtype=np.float64), "mu is the mean row", rtol=1e-9, atol=1e-9)
    called = kata.apply_whitening(X, mu, W)
    Z = as_array(called, (2_000, 32))
    close(_labelled(called, "np.cov(output, rowvar=False)"), _cov(Z), np.eye(32),
          "the whitened data has identity covariance", rtol=0, atol=1e-6)


@pytest.mark.scale(LIMIT, SLOW)
def test_scale_remove_top_components_is_vectorized(kata):
    """remove_top_components handles 2,000 x 512 quickly"""
    X = _large()
    called = kata.remove_top_components(X, 3)
    got = as_array(called, (2_000, 512))
    close(_labelled(called, "the column means"), got.mean(axis=0), np.zeros(512), "the output is centered",
          rtol=0, atol=1e-8)
    got, Xc = got[:1000], X[:1000] - X.mean(axis=0, dtype=np.float64)  # the first rows suffice
    left = np.linalg.norm(got[:, :3]) / np.linalg.norm(Xc[:, :3])
    expect(left < 0.05, called, f"{left:.0%} of the three dominant coordinates left", "almost none",
           "here the top 3 principal directions are close to the first three axes: project them out")
    kept = np.linalg.norm(got[:, 3:] - Xc[:, 3:]) / np.linalg.norm(Xc[:, 3:])
    expect(kept < 0.05, called, f"the other coordinates changed by {kept:.0%}", "almost unchanged",
           "only the top k directions are removed")
