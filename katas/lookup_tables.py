"""Kata 1 — one-hot vectors vs learned lookup tables.

Read katas/lookup_tables.md first. Fill in each function, then run
    python grader.py lookup_tables
Use only numpy and the standard library. Never change an input in place, and raise a
ValueError that names the problem for bad input (ids out of range, wrong shapes...).
"""

import numpy as np


def one_hot(ids, num_classes):
    """One 1.0 per id: float64 array of shape ids.shape + (num_classes,).

    ids may have any shape, and may be empty: no ids give an empty result.

    >>> one_hot([2, 0], 3)
    array([[0., 0., 1.],
           [1., 0., 0.]])
    >>> one_hot([], 3).shape            # [] is a float64 array to numpy, but holds no float id
    (0, 3)

    ValueError if num_classes is not an integer >= 1, if ids are not integers (floats
    are not ids, even 1.0, and bools are not integers here), or if any id is < 0 or
    >= num_classes.
    """
    raise NotImplementedError


def lookup(table, ids):
    """Rows of a 2-D table: float64, shape ids.shape + (d,), result[..., :] = table[ids[...]].

    The result is float64 whatever the table's dtype: an integer (or float32) table gives
    float64 rows. Empty ids give an empty result of shape (0, d).

    >>> table = np.array([[0., 1.], [2., 3.], [4., 5.]])
    >>> lookup(table, [2, 0, 2])
    array([[4., 5.],
           [0., 1.],
           [4., 5.]])
    >>> lookup([[1, 2], [3, 4]], [1])
    array([[3., 4.]])

    Same result as one_hot(ids, len(table)) @ table, at O(d) cost per id instead of O(V d).
    ValueError if table is not 2-D, or for ids as in one_hot: a negative id is an error,
    not numpy's wrap-around to the last row.
    """
    raise NotImplementedError


def lookup_backward(grad_out, ids, num_embeddings, padding_idx=None):
    """Gradient of the table for out = lookup(table, ids): shape (num_embeddings, d).

    grad_out has shape ids.shape + (d,). Every occurrence of an id adds its row of
    grad_out to that id's row, so repeated ids accumulate. Row padding_idx, if given,
    is all zeros.

    >>> lookup_backward(np.array([[1., 1.], [2., 2.], [3., 3.]]), [1, 0, 1], 3)
    array([[2., 2.],
           [4., 4.],
           [0., 0.]])

    ValueError if grad_out's shape is not ids.shape + (d,), if num_embeddings is not an
    integer >= 1, for bad ids (as in one_hot), or if padding_idx is not None and not in
    0..num_embeddings-1.
    """
    raise NotImplementedError


def bag_mean(table, ids, padding_idx=None):
    """Mean embedding of each bag: ids of shape (n, L) -> float64 (n, d).

    Row i is the mean of table[ids[i, l]] over the positions l where
    ids[i, l] != padding_idx. A bag with nothing but padding gives a row of zeros.
    The result is float64 whatever the table's dtype (the mean of 1 and 2 is 1.5).

    >>> table = np.array([[0., 0.], [2., 4.], [4., 8.]])
    >>> bag_mean(table, [[1, 2], [1, 0]], padding_idx=0)
    array([[3., 6.],
           [2., 4.]])
    >>> bag_mean([[1, 2], [2, 3]], [[0, 1]])        # an integer table: the mean is 1.5, not 1
    array([[1.5, 2.5]])

    ValueError if table or ids is not 2-D, for bad ids (as in one_hot), or for a bad
    padding_idx.
    """
    raise NotImplementedError


def bag_mean_backward(grad_out, ids, num_embeddings, padding_idx=None):
    """Gradient of the table for out = bag_mean(table, ids, padding_idx): (num_embeddings, d).

    grad_out has shape (n, d). Bag i sends grad_out[i] / count_i to each of its
    non-padding positions (count_i = its number of non-padding positions); repeated
    ids accumulate.

    >>> bag_mean_backward(np.array([[3., 6.]]), [[1, 2, 1]], 3)
    array([[0., 0.],
           [2., 4.],
           [1., 2.]])

    ValueError if ids is not 2-D, if grad_out is not (n, d) with n = len(ids) (one row
    per bag: a single row is not broadcast to every bag), if num_embeddings is not an
    integer >= 1, for bad ids (as in one_hot), or if padding_idx is not None and not in
    0..num_embeddings-1.
    """
    raise NotImplementedError
