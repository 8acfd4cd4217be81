"""Kata 2 — distance, angle and neighbours.

Read katas/similarity.md first. Fill in each function, then run
    python grader.py similarity
Use only numpy and the standard library. Never change an input in place, and raise a
ValueError that names the problem for bad input (widths that differ, k out of range,
unknown metric or method, indices out of range...).

Every X, Y, queries, keys and E is 2-D, one row per vector: a 1-D array is a ValueError,
not one row (write x[None, :] for a single vector).
"""

import numpy as np


def normalize(X, eps=1e-12):
    """Rows scaled to unit L2 norm: float64 array of the shape of X, (n, d).

    A row whose norm is < eps has no usable direction and becomes a row of zeros (never
    NaN); every other row is divided by its norm, so its length is exactly 1. Huge
    entries (1e200) must not overflow while computing the norm.

    >>> normalize([[3., 4.], [0., 0.], [0., 1e-13]])
    array([[0.6, 0.8],
           [0. , 0. ],
           [0. , 0. ]])
    >>> normalize([[0., 1e-13]], eps=0)     # eps = 0: only an exact zero row becomes zeros
    array([[0., 1.]])

    ValueError if X is not 2-D (a vector [3., 4.] is not one row: pass [[3., 4.]]), or if
    eps is not a number >= 0 (a negative eps would let zero rows through as 0 / 0).
    """
    raise NotImplementedError


def cosine_similarity(X, Y=None):
    """Cosines between the rows of X (n, d) and of Y (m, d): float64 array (n, m).

    Y defaults to X. Entry [i, j] is x_i . y_j / (||x_i|| ||y_j||), clipped into [-1, 1]
    (rounding can give 1.0000000000000002). A zero row has similarity 0 with every row,
    itself included.

    >>> cosine_similarity([[1., 0.], [1., 1.], [0., 0.]], [[2., 0.], [0., -3.]])
    array([[ 1.        ,  0.        ],
           [ 0.70710678, -0.70710678],
           [ 0.        ,  0.        ]])

    ValueError if X or Y is not 2-D, or if they do not have the same number of columns.
    """
    raise NotImplementedError


def sq_euclidean(X, Y=None):
    """Squared distances ||x_i - y_j||^2 between the rows of X (n, d) and Y (m, d): (n, m).

    Y defaults to X, and then the diagonal is exactly 0. No entry is ever negative.
    Memory O(n m): never build an (n, m, d) array.

    >>> sq_euclidean([[0., 0.], [1., 2.]], [[3., 4.], [1., 0.]])
    array([[25.,  1.],
           [ 8.,  4.]])

    ValueError if X or Y is not 2-D, or if they do not have the same number of columns.
    """
    raise NotImplementedError


def top_k(queries, keys, k, metric="cosine", exclude=None):
    """The k best keys for each query: int array (n_queries, k), best first.

    queries is (n_queries, d), keys is (n_keys, d). metric is "cosine" (highest cosine
    first), "dot" (highest dot product first) or "euclidean" (smallest distance first).
    Ties go to the lower key index. exclude, if given, holds one sequence of key
    indices per query: exclude[i] lists the keys query i must never return.

    >>> keys = [[1., 0.], [0., 1.], [2., 0.], [-1., 0.]]
    >>> top_k([[1., 0.1]], keys, 3)
    array([[0, 2, 1]])
    >>> top_k([[1., 0.1]], keys, 3, metric="dot")
    array([[2, 0, 1]])
    >>> top_k([[1., 0.1]], keys, 2, metric="euclidean", exclude=[[0]])
    array([[2, 1]])

    (keys 0 and 2 have the same cosine with the query: the lower index comes first.)
    ValueError if k < 1, if fewer than k keys remain for some query once its excluded
    keys are removed, for an unknown metric, if queries or keys is not 2-D (one query is
    [q], not q) or they have different widths,
    if exclude does not hold one sequence per query, or for an excluded index outside
    0..n_keys-1.
    """
    raise NotImplementedError


def analogy(E, a, b, c, k=1, method="3cosadd", eps=1e-3):
    """The k best answers to "a is to b as c is to ?": int array (k,) of word indices, best first.

    E is the (V, d) embedding matrix; a, b, c are word indices, and the answer is never
    a, b or c. They may repeat (a == c asks "a is to b as a is to ?"): then only the
    distinct words among them are excluded. With cos(x, w) the cosine between the rows x
    and w of E:
      "3cosadd": maximize cos(x, b) - cos(x, a) + cos(x, c)
      "3cosmul": with cos' = (cos + 1) / 2, maximize cos'(x, b) cos'(x, c) / (cos'(x, a) + eps)
    Ties go to the lower index.

    >>> E = [[1., 0.], [1., 1.], [-1., 0.], [-1., 1.], [0., 1.]]
    >>> analogy(E, 0, 1, 2)
    array([3])
    >>> analogy(E, 0, 1, 2, k=2, method="3cosmul")
    array([3, 4])
    >>> analogy(E, 0, 1, 0, k=3)            # a == c: only 0 and 1 are excluded, 3 words remain
    array([4, 3, 2])

    ValueError if E is not 2-D, if a, b or c is not an index in 0..V-1, for an unknown
    method, if k < 1, if eps is not a number > 0, or if fewer than k words remain once
    the distinct words among a, b and c are excluded.
    """
    raise NotImplementedError
