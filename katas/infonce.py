"""Kata 4 — InfoNCE with hand-written gradients.

Read katas/infonce.md first. Write numerical_gradient first and use it to check every
gradient you write after it. Then run
    python grader.py infonce
Use only numpy and the standard library. Never change an input in place, and raise a
ValueError that names the problem for bad input (shapes that differ, temperature <= 0,
an empty batch...).
"""

import numpy as np


def logsumexp(X, axis=-1):
    """log(sum(exp(X))) along `axis`, computed without overflow: X's shape without that axis.

    X may have any shape; axis is an int, or None for every entry at once (a Python float).

    >>> logsumexp([[0.0, 0.0], [1000.0, 1000.0]])
    array([6.93147181e-01, 1.00069315e+03])
    >>> logsumexp([[1.0, 2.0], [3.0, 4.0]], axis=0)
    array([3.12692801, 4.12692801])
    >>> logsumexp([[1.0, 2.0], [3.0, 4.0]], axis=None)
    4.440189698561196
    >>> logsumexp([-np.inf, 0.0]), logsumexp([-np.inf, -np.inf]), logsumexp([np.inf, 1.0])
    (0.0, -inf, inf)
    >>> logsumexp(np.zeros((2, 0)))             # a sum of nothing is 0: log(0) = -inf
    array([-inf, -inf])

    -inf entries are allowed (they add exp(-inf) = 0); a slice of nothing but -inf, or of
    no entries at all, gives -inf, log(0), never NaN. A +inf entry makes its slice +inf
    (+inf - max would be NaN). A 1-D X gives a Python float. ValueError if axis is not an
    int or None, or not an axis of X.
    """
    raise NotImplementedError


def info_nce(z1, z2, temperature=0.1, symmetric=False):
    """InfoNCE loss of a batch of positive pairs: a Python float.

    z1 and z2 have shape (B, d); row i of z2 is the positive of row i of z1, and the other
    rows of z2 are its negatives. With n1, n2 the rows scaled to unit length:

        S = n1 @ n2.T / temperature                      (B, B) logits
        loss = mean over i of logsumexp_j S[i, j] - S[i, i]

    symmetric=True (CLIP) returns the average of that loss and the same loss on S.T.

    >>> info_nce([[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [1.0, 0.0]], temperature=1.0)
    0.6931471805599454
    >>> info_nce([[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [1.0, 0.0]], temperature=1.0, symmetric=True)
    0.7532044340390841

    A batch of one has loss 0. A row shorter than 1e-12 (a row of zeros) has no direction
    and normalizes to zeros, so nothing is ever NaN. ValueError if z1 or z2 is not 2-D, if
    their shapes differ, if the batch is empty, or if temperature is not a number > 0.
    """
    raise NotImplementedError


def info_nce_grad(z1, z2, temperature=0.1, symmetric=False):
    """(loss, dz1, dz2): info_nce and its gradients with respect to the raw z1 and z2.

    dz1 and dz2 are float64 arrays of shape (B, d). They go through the normalization
    n = z / ||z||, so row i of dz1 is orthogonal to row i of z1. A row shorter than 1e-12 (a
    zero row) normalizes to zeros all around it, so its gradient is 0: divide by the norm
    only where it is >= 1e-12 (a norm clamped at 1e-12 would send it 1e12 times dn).

    >>> loss, dz1, dz2 = info_nce_grad([[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [1.0, 0.0]],
    ...                                temperature=1.0)
    >>> loss
    0.6931471805599454
    >>> dz1
    array([[0., 0.],
           [0., 0.]])
    >>> dz2
    array([[ 0.  ,  0.25],
           [ 0.  , -0.25]])
    >>> info_nce_grad([[0.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [1.0, 0.0]], temperature=1.0)[1]
    array([[0., 0.],
           [0., 0.]])

    Same ValueErrors as info_nce.
    """
    raise NotImplementedError


def numerical_gradient(f, x, h=1e-6):
    """Central differences of a scalar function f at x: a float64 array shaped like x.

    Entry k is (f(x + h e_k) - f(x - h e_k)) / (2 h), where e_k is 1 at position k and 0
    elsewhere; x may have any shape (f always receives an array of x's shape) and any
    numeric dtype. x is unchanged afterwards.

    >>> numerical_gradient(lambda x: float(np.sum(x ** 2)), np.array([1.0, -2.0]))
    array([ 2., -4.])

    ValueError if f is not callable, if h is not a finite number > 0, if x does not hold
    numbers, or if f does not return a single number (a vector-valued f has a Jacobian,
    not a gradient).
    """
    raise NotImplementedError


def alignment(z1, z2, alpha=2):
    """Mean over i of ||n1_i - n2_i|| ** alpha, with rows scaled to unit length: a float.

    Wang & Isola (2020): low alignment means positive pairs map to nearby points.

    >>> alignment([[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, -1.0]])
    2.0
    >>> alignment([[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, -1.0]], alpha=1)
    1.0

    ValueError as info_nce for z1 and z2, or if alpha <= 0.
    """
    raise NotImplementedError


def uniformity(z, t=2):
    """log of the mean over distinct pairs i < j of exp(-t ||n_i - n_j||^2): a float.

    Rows are scaled to unit length first. Wang & Isola (2020): the lower, the more evenly
    the points cover the sphere. Computed stably: a large t must not give log(0) = -inf.

    >>> uniformity([[1.0, 0.0], [-1.0, 0.0]])
    -8.0

    ValueError if z is not 2-D, has fewer than 2 rows, or if t <= 0.
    """
    raise NotImplementedError


def triplet_loss(anchor, positive, negative, margin=0.2):
    """(loss, d_anchor, d_positive, d_negative) of the triplet loss on raw vectors.

    loss = mean over rows of max(0, ||a - p||^2 - ||a - n||^2 + margin), with a, p, n the
    rows of anchor, positive, negative (all of shape (B, d)); the gradients have shape
    (B, d). A row whose hinge term is <= 0 (exactly 0 included) gets zero gradient. margin
    is a finite number >= 0; with margin=0 only rows whose negative is closer than their
    positive count.

    >>> loss, da, dp, dn = triplet_loss([[0.0, 0.0], [0.0, 0.0]], [[1.0, 0.0], [1.0, 0.0]],
    ...                                 [[0.0, 2.0], [0.5, 0.0]])
    >>> loss
    0.475
    >>> da
    array([[ 0. ,  0. ],
           [-0.5,  0. ]])
    >>> triplet_loss([[0.0, 0.0]], [[1.0, 0.0]], [[0.5, 0.0]], margin=0.0)[0]
    0.75

    ValueError if the three are not 2-D arrays of the same shape, if the batch is empty,
    or if margin is not a finite number >= 0 (a negative one would let wrong triplets off).
    """
    raise NotImplementedError
