"""Kata 11 — do good embeddings cluster and separate?

Read katas/clusters.md first. Fill in each function, then run
    python grader.py clusters
Use only numpy and the standard library. Rows are samples. Never change an input in
place, and raise a ValueError that names the problem for bad input (X not 2-D, NaN or
inf, a zero row where a direction is needed, k out of range, labels of the wrong length...).

Distances are cosine distances, 1 - cos, between the rows normalized to unit length: the
length of a row never matters, only its direction. On unit rows 1 - cos = ||u - v||^2 / 2.
"""

import numpy as np


def kmeans_plus_plus(X, k, seed=0):
    """k-means++ seeding on the sphere: an int array of k row indices of X, in the order drawn.

    With rng = np.random.default_rng(seed) and U the rows of X normalized to unit length:
    the first index is uniform over the n rows; each next one is drawn with probability
    proportional to D(i)^2, where D(i) = 1 - cos(U[i], nearest center chosen so far) is the
    cosine distance to the nearest center. A row with the same direction as a chosen center
    (a duplicate, or a positive multiple such as 3 * X[i]) has D = 0: it is never drawn.
    Same seed, same result.

    >>> X = np.array([[1.0, 0.0], [3.0, 0.0], [0.0, 2.0], [-1.0, 0.0]])
    >>> idx = kmeans_plus_plus(X, 3, seed=0)
    >>> idx.shape, sorted(idx.tolist()) in ([0, 2, 3], [1, 2, 3])   # rows 0 and 1: one direction
    ((3,), True)

    Here the first center is row 3, (-1, 0), with probability 1/4. Then rows 0 and 1 are at
    distance 2 (D^2 = 4) and row 2 at distance 1 (D^2 = 1): the second center is row 0 with
    probability 4/9, row 1 with 4/9 and row 2 with 1/9.

    ValueError if X is not 2-D, holds NaN or inf or a zero row (a zero vector has no
    direction), if k is not an integer in 1..n, or if k is more than the number of distinct
    directions among the rows (kmeans_plus_plus(X, 4) above: only 3).
    """
    raise NotImplementedError


def spherical_kmeans(X, k, iters=100, seed=0):
    """Spherical k-means: (labels, centers), labels int (n,) in 0..k-1, centers (k, d) unit rows.

    U = X's rows normalized; centers start as U[kmeans_plus_plus(X, k, seed)], in that order.
    Then, at most `iters` rounds of:
        1. assign every row to the center of highest cosine, U @ centers.T (ties go to the
           lower center index, as np.argmax does);
        2. if no label changed since the last round, stop (the labels and centers of the
           last round are returned);
        3. repair: for each empty cluster j, in increasing order, the row farthest from its
           own center (the lowest cosine in step 1; ties to the lower row index), taken only
           from a cluster that keeps at least one other row, moves to cluster j;
        4. each center becomes the normalized mean (equivalently: normalized sum) of its rows.
    So the returned centers are always the normalized means of the returned labels' rows,
    and after convergence every row's label is also its most similar center.

    >>> X = np.array([[2.0, 0.2], [1.0, -0.1], [0.1, 1.0], [-0.2, 3.0], [1.5, 0.0]])
    >>> labels, centers = spherical_kmeans(X, 2, seed=0)
    >>> labels
    array([0, 0, 1, 1, 0])
    >>> centers.round(4)
    array([[1.    , 0.    ],
           [0.0165, 0.9999]])

    (Rows 0, 1 and 4 point along the x axis; the unit rows 0 and 1 have y parts of
    +0.0995 and -0.0995, which cancel in the mean.)

    ValueError as for kmeans_plus_plus, and if iters is not an integer >= 1.
    """
    raise NotImplementedError


def silhouette(X, labels):
    """The mean silhouette of a clustering, with cosine distances: a float in [-1, 1].

    For row i with cosine distances d(i, j) = 1 - cos(X[i], X[j]) (a zero row has cosine 0
    with every row, so distance 1):
        a(i) = mean of d(i, j) over the OTHER rows j of its own cluster (j != i),
        b(i) = min over the other clusters C of the mean of d(i, j) over j in C,
        s(i) = (b - a) / max(a, b)  (0 when both are 0),  and s(i) = 0 for a row alone
               in its cluster.
    The result is the mean of s(i) over all n rows. Labels can be any integers, e.g.
    [3, 3, 7]. Memory O(n * block): never an n x n matrix (for n = 20,000 it would take
    3.2 GB); work through the rows a block at a time, or use the sums of the unit rows of
    each cluster (see the lesson).

    >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]])
    >>> silhouette(X, [0, 0, 1, 1])       # a = 1, b = (2 + 1) / 2 for every row
    0.3333333333333333

    ValueError if X is not 2-D or holds NaN or inf, if labels is not 1-D with one integer
    per row, or if there are fewer than 2 clusters.
    """
    raise NotImplementedError


def purity(labels, classes):
    """Purity of a clustering against true classes: a float in (0, 1].

    Each cluster votes for its most common class: purity = (1/n) * sum over clusters of
    (the number of rows of its most common class). Labels and classes are 1-D integer
    sequences of the same length n >= 1; their values are only names.

    >>> purity([0, 0, 0, 0, 0, 1], [0, 0, 0, 1, 1, 1])   # (3 + 1) / 6
    0.6666666666666666

    ValueError if labels or classes is not 1-D integers, if they differ in length, or if
    they are empty.
    """
    raise NotImplementedError


def nmi(labels, classes):
    """Normalized mutual information of two partitions: a float in [0, 1].

    With p_ij the fraction of rows in cluster i and class j, and p_i, p_j its row and
    column sums (natural logs; the base cancels):
        I = sum over p_ij > 0 of p_ij log(p_ij / (p_i p_j)),   H(p) = -sum p log p,
        NMI = I / ((H(labels) + H(classes)) / 2)           (the arithmetic mean)
    1.0 for the same partition under any names (also when both are a single group);
    0.0 when one side is a single group and the other is not, and for independent ones.

    >>> nmi([0, 0, 1, 1], [1, 1, 0, 0])
    1.0
    >>> round(nmi([0, 0, 1, 1], [0, 0, 0, 1]), 6)
    0.343711

    ValueError as for purity.
    """
    raise NotImplementedError
