"""Kata 7 — Matryoshka embeddings.

Read katas/matryoshka.md first. Fill in each function, then run
    python grader.py matryoshka
Use only numpy and the standard library. Never change an input in place, and raise a
ValueError that names the problem for bad input (a dim outside 1..d, dims that do not
increase, temperature <= 0, shapes that differ, a shortlist shorter than k...).

Rows are samples. A "prefix" of size m is the first m columns of every row, and every
prefix is re-normalized on its own before it is compared: the prefix of a unit vector is
not a unit vector.
"""

import numpy as np


def truncate(Z, dim):
    """The first `dim` columns of Z (n, d), each row scaled to length 1: shape (n, dim).

    Row i is Z[i, :dim] / ||Z[i, :dim]||. A row whose prefix is all zeros has no direction
    and stays zeros (never NaN). truncate(Z, d) is the plain row normalization of Z.

    >>> truncate([[3., 4., 12.], [0., 0., 5.]], 2)
    array([[0.6, 0.8],
           [0. , 0. ]])
    >>> truncate([[0.6, 0., 0.8]], 2)       # a unit vector; its prefix [0.6, 0] has length 0.6
    array([[1., 0.]])

    Entries as large as 1e200 must work (their squares overflow). ValueError if Z is not
    2-D, or if dim is not an integer in 1..d (a negative dim is an error, not numpy's
    count from the end).
    """
    raise NotImplementedError


def matryoshka_info_nce(z1, z2, dims, temperature=0.1, weights=None):
    """(loss, dz1, dz2): the Matryoshka InfoNCE loss and its gradients w.r.t. the full z1, z2.

    z1 and z2 have shape (B, d); row i of z2 is the positive of row i of z1. For each prefix
    size m in dims, with n1, n2 the prefixes z1[:, :m], z2[:, :m] scaled to unit rows:

        S_m = n1 @ n2.T / temperature                      (B, B) logits
        L_m = mean over i of logsumexp_j S_m[i, j] - S_m[i, i]       (kata 4's InfoNCE)
        loss = sum over m in dims of w_m * L_m

    weights gives w_m: None (every w_m = 1), a sequence aligned with dims (weights[i]
    weighs dims[i]), or a dict {m: w_m} whose keys are exactly the sizes in dims. Weights
    are finite and >= 0.

    dz1 and dz2 are float64 arrays of shape (B, d): the sum over m of w_m times the gradient
    of L_m with respect to the prefix (B, m), padded with zeros to d columns. Columns at
    or beyond max(dims) get exactly 0. A row whose prefix is all zeros normalizes to zeros
    (logits 0), never NaN, and gets gradient 0 through that prefix, as in kata 4 (dividing
    by a norm clamped at eps would send it dn / eps); its other prefixes count as usual.

    >>> loss, dz1, dz2 = matryoshka_info_nce([[1., 1., 5.], [1., -1., 0.]],
    ...                                      [[1., 1., 0.], [-1., 1., 0.]], dims=[1, 2], temperature=1.0)
    >>> round(loss, 12)           # L_1 = 1 + log(1 + e^-2), L_2 = 0.5 + log(1 + e^-1)
    1.940189698561
    >>> dz1
    array([[-0.06723536,  0.06723536,  0.        ],
           [ 0.18276464,  0.18276464,  0.        ]])
    >>> dz2
    array([[ 0.18276464, -0.18276464,  0.        ],
           [ 0.06723536,  0.06723536,  0.        ]])

    (A prefix of size 1 normalizes to +1 or -1: it cannot turn, so L_1 has zero gradient.)

    ValueError if z1 or z2 is not 2-D, if their shapes differ, if the batch is empty, if
    temperature <= 0, if dims is empty, not strictly increasing or has a size outside 1..d,
    or if weights does not give one finite weight >= 0 per size in dims.
    """
    raise NotImplementedError


def funnel_search(queries, keys, k, coarse_dim, shortlist):
    """Coarse-to-fine search: int array (n_queries, k) of key indices, best first.

    Pass 1: rank every key by the cosine of its first coarse_dim columns with the query's
    first coarse_dim columns (both prefixes re-normalized) and keep the best `shortlist`.
    Pass 2: rank those by the cosine of the full vectors and return the best k.
    Ties go to the lower key index in both passes; a tie is two cosines equal as computed,
    bit for bit: cosines that differ, even by 1e-9, are ordered by value (never rounded or
    compared with a tolerance). A zero row has cosine 0 with everything.

    >>> q = [[1., 0., 1., 0.]]
    >>> K = [[1., 0., 0., 0.],    # prefix cosine 1.000, full cosine 0.707
    ...      [1., 1., 1., 1.],    #               0.707              0.707
    ...      [0., 1., 2., 0.],    #               0.000              0.632
    ...      [2., 1., 2., 0.],    #               0.894              0.943
    ...      [1., 0., -1., 0.]]   #               1.000              0.000
    >>> funnel_search(q, K, k=2, coarse_dim=2, shortlist=2)   # shortlist: keys 0 and 4
    array([[0, 4]])
    >>> funnel_search(q, K, k=2, coarse_dim=2, shortlist=3)   # shortlist: keys 0, 4 and 3
    array([[3, 0]])
    >>> funnel_search(q, K, k=2, coarse_dim=2, shortlist=5)   # a full search; 0 and 1 tie
    array([[3, 0]])

    ValueError if queries or keys is not 2-D or their widths differ, if k < 1, if
    shortlist < k or shortlist > the number of keys, or if coarse_dim is not in 1..d.
    """
    raise NotImplementedError


def recall_at_k(retrieved, targets):
    """The fraction of queries whose target is among their retrieved keys: a Python float.

    retrieved has shape (n, k), one row of key indices per query (say from funnel_search);
    targets has shape (n,), the index of the right key of each query. Row i counts as a hit
    when targets[i] appears anywhere in retrieved[i], and counts once even if it appears
    twice.

    >>> recall_at_k([[4, 2], [1, 1], [0, 3]], [2, 1, 5])
    0.6666666666666666

    ValueError if retrieved is not 2-D, if targets is not 1-D with one entry per row of
    retrieved, if there are no rows, or if either holds anything but integers (floats,
    even 2.0, and bools are not key indices).
    """
    raise NotImplementedError
