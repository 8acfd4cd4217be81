"""Kata 5 — whitening via SVD.

Read katas/whitening.md first. Fill in each function, then run
    python grader.py whitening
Use only numpy and the standard library. Rows are samples. Never change an input in
place, and raise a ValueError that names the problem for bad input (too few rows, dim
out of range, unknown method, shapes that do not match...).
"""

import numpy as np


def fit_whitening(X, dim=None, method="pca", eps=1e-8):
    """Whitening statistics of X (n, d): returns (mu, W), mu of shape (d,), W of shape (d, k).

    mu is the mean row. Sigma is the covariance of the rows with ddof=1, and
    Sigma = U diag(s) U^T its SVD (s descending). With k = dim, or d when dim is None:
        "pca":  W = U[:, :k] diag(1 / sqrt(s[:k] + eps))      columns by decreasing variance
        "zca":  W = U diag(1 / sqrt(s + eps)) U^T              symmetric, (d, d)
    so that (X - mu) @ W has identity covariance (exactly so as eps -> 0, on full-rank data).
    eps keeps zero-variance directions finite.

    >>> X = np.array([[0., 0.], [2., 0.], [0., 4.], [2., 4.]])
    >>> mu, W = fit_whitening(X, method="zca")
    >>> mu
    array([1., 2.])
    >>> W.round(4)
    array([[0.866, 0.   ],
           [0.   , 0.433]])
    >>> mu, W = fit_whitening(X)           # pca: each column's sign is arbitrary
    >>> np.abs(W).round(4)
    array([[0.   , 0.866],
           [0.433, 0.   ]])

    (Sigma = diag(4/3, 16/3): the direction of largest variance, column 1, comes first.)
    ValueError if X is not 2-D or has fewer than 2 rows, if dim is not an integer in
    1..d, if dim is given with method="zca", if method is not "pca" or "zca", or if
    eps is not > 0.
    """
    raise NotImplementedError


def apply_whitening(X, mu, W, normalize=False):
    """Whiten rows with fitted statistics: (X - mu) @ W, shape (n, k).

    mu and W come from fit_whitening, usually on another (reference) set: they are
    not re-estimated from X. With normalize=True each row is scaled to unit L2 norm
    (a zero row stays zero). Center first, then multiply: X @ W - mu @ W is the same
    map on paper, but it subtracts two rounded products, so it loses digits when mu is
    large next to the spread of X, and a row equal to mu can come out as 1e-16 noise
    (depending on the BLAS kernel) that normalize=True turns into a unit row.

    >>> X = np.array([[0., 0.], [2., 0.], [0., 4.], [2., 4.]])
    >>> mu, W = np.array([1., 2.]), np.diag([0.866, 0.433])
    >>> apply_whitening(X, mu, W)
    array([[-0.866, -0.866],
           [ 0.866, -0.866],
           [-0.866,  0.866],
           [ 0.866,  0.866]])
    >>> apply_whitening(X, mu, W, normalize=True).round(4)
    array([[-0.7071, -0.7071],
           [ 0.7071, -0.7071],
           [-0.7071,  0.7071],
           [ 0.7071,  0.7071]])

    ValueError if X is not 2-D (n, d), if W is not 2-D of shape (d, k), or if mu is
    not of shape (d,).
    """
    raise NotImplementedError


def remove_top_components(X, k):
    """All-but-the-top (Mu & Viswanath 2018): X centered, its top k principal directions removed.

    With Xc = X - mean row and U[:, :k] the k directions of largest variance (as in
    fit_whitening), the result is Xc - Xc @ U[:, :k] @ U[:, :k].T, shape (n, d).
    k = 0 gives the centered data; k = d gives zeros.

    >>> X = np.array([[0., 0.], [2., 0.], [0., 4.], [2., 4.]])
    >>> remove_top_components(X, 1)      # column 1 has the larger variance
    array([[-1.,  0.],
           [ 1.,  0.],
           [-1.,  0.],
           [ 1.,  0.]])

    ValueError if X is not 2-D or has fewer than 2 rows, or if k is not an integer
    in 0..d.
    """
    raise NotImplementedError
