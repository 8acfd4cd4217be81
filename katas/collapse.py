"""Kata 6 — collapse detection.

Read katas/collapse.md first. Fill in each function, then run
    python grader.py collapse
Use only numpy and the standard library. Never change an input in place, and raise a
ValueError that names the problem for bad input (X not 2-D, fewer than 2 rows, NaN or inf).

Every function takes embeddings X of shape (n, d), one sample per row, as any array-like,
and needs n >= 2 and d >= 1: with a single row there is no covariance, no pair and nothing
to diagnose, and with no column there is no direction at all.
"""

import numpy as np


def covariance_spectrum(X):
    """Eigenvalues of the covariance of X (ddof=1), descending, never negative: shape (d,).

    Always d values, also when n - 1 < d: the centered data has rank at most n - 1, so the
    eigenvalues after the first n - 1 are zeros. Tiny negative eigenvalues that rounding
    gives rank-deficient data are reported as 0.0.

    >>> covariance_spectrum([[0., 0.], [2., 0.], [0., 1.], [2., 1.]])
    array([1.33333333, 0.33333333])
    >>> covariance_spectrum([[0., 0., 0.], [2., 0., 0.]])     # n - 1 = 1 < d = 3
    array([2., 0., 0.])

    An eigenvalue larger than float64 holds (about 1.8e308: entries around 1e154 and
    beyond) is a ValueError, not inf; the scale-free functions below still work there.

    >>> covariance_spectrum([[0., 0.], [2e200, 0.]])   # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    ValueError: the variance 2e400 overflows float64

    ValueError if X is not 2-D, has no column, has fewer than 2 rows, contains NaN or inf,
    or if its covariance overflows float64.
    """
    raise NotImplementedError


def effective_rank(X):
    """exp(entropy) of the normalized singular values of the centered X: a float in [0, min(n-1, d)].

    s = singular values of X - mean(X, axis=0), p = s / sum(s), and the result is
    exp(-sum p log p) over the p > 0 (Roy & Vetterli 2007). k equal singular values give
    exactly k. Every row the same gives 0.0: careful, X - X.mean(axis=0) of identical rows
    can leave rounding noise around 1e-17 instead of exact zeros (subtract X[0] first).
    The result does not change when X is scaled or rotated.

    >>> effective_rank([[1., 0., 0.], [-1., 0., 0.], [0., 1., 0.], [0., -1., 0.]])
    2.0
    >>> effective_rank([[2., 0.], [-2., 0.], [0., 1.], [0., -1.]])   # s = (2.83, 1.41)
    1.8898815748423097
    >>> effective_rank([[5., 1.], [6., 1.], [7., 1.]])    # an offset plus one direction
    1.0
    >>> effective_rank([[0.1, 0.7]] * 3)
    0.0

    ValueError if X is not 2-D, has no column, has fewer than 2 rows or contains NaN or inf.
    """
    raise NotImplementedError


def mean_cosine(X):
    """Mean cosine similarity over the n (n - 1) ordered pairs i != j: a float in [-1, 1].

    A zero row has similarity 0 with every row, and its pairs still count among the
    n (n - 1). Only exact zero rows are zero: a row of 1e-100s still has a direction.
    O(n d) time and memory: never build the n x n matrix (use the sum of the unit rows).

    >>> mean_cosine([[1., 0.], [0., 1.], [1., 1.]])    # (0 + 0.7071 + 0.7071) * 2 / 6
    0.4714045207910316
    >>> mean_cosine([[1., 0.], [1., 0.], [0., 0.]])    # (1 + 1) / 6
    0.3333333333333333

    ValueError if X is not 2-D, has no column, has fewer than 2 rows or contains NaN or inf.
    """
    raise NotImplementedError


def diagnose(X):
    """Which kind of collapse X shows, with the numbers behind the verdict: a dict.

    Keys:
      "effective_rank"      effective_rank(X)
      "mean_cosine"         mean_cosine(X)
      "explained_variance"  covariance_spectrum(X) / its sum, shape (d,); all zeros when
                            the sum is 0 (every row the same)
      "spread"              sqrt(sum_i ||x_i - mean||^2 / sum_i ||x_i||^2), in [0, 1];
                            0.0 when every row is zero
      "rank_ratio"          effective_rank / min(n - 1, d)
      "status"              the first of these that holds (worst first):
        "complete_collapse"     spread < 1e-3         every row (nearly) the same point
        "dimensional_collapse"  rank_ratio < 0.25     the rows fill a small subspace
        "anisotropic"           mean_cosine > 0.5     the rows share a common direction
        "healthy"               otherwise

    >>> report = diagnose([[3., 4.], [3., 4.], [3., 4.]])
    >>> report["status"], report["effective_rank"], report["mean_cosine"]
    ('complete_collapse', 0.0, 1.0)
    >>> report["explained_variance"]
    array([0., 0.])
    >>> diagnose([[1., 0.], [-1., 0.], [0., 1.], [0., -1.]])["status"]
    'healthy'

    Every number it reports is scale-free, so it works at any scale, also where
    covariance_spectrum overflows: compute from X divided by its largest |entry|.

    >>> diagnose([[0., 0.], [2e200, 0.]])["explained_variance"]
    array([1., 0.])

    ValueError if X is not 2-D, has no column, has fewer than 2 rows or contains NaN or inf.
    """
    raise NotImplementedError
