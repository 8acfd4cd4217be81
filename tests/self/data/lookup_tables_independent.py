"""An independent, correct lookup_tables written from the contract alone: the copy
detector must not flag it against the reference or against disguised copies of it."""

import numpy as np


def _as_index_array(values, upper):
    arr = np.asarray(values)
    if arr.size == 0:  # nothing to check; [] arrives as float64
        return arr.astype(np.int64)
    if arr.dtype.kind == "b" or not np.issubdtype(arr.dtype, np.integer):
        raise ValueError("ids have to be an integer array")
    if arr.size > 0:
        lo, hi = int(arr.min()), int(arr.max())
        if lo < 0:
            raise ValueError(f"negative id {lo}")
        if hi >= upper:
            raise ValueError(f"id {hi} not below {upper}")
    return arr


def _positive(count, what):
    if type(count) is bool or not isinstance(count, (int, np.integer)) or count <= 0:
        raise ValueError(f"{what} has to be a positive int")
    return int(count)


def _pad(p, upper):
    if p is not None and (type(p) is bool or not isinstance(p, (int, np.integer)) or p < 0 or p >= upper):
        raise ValueError("padding_idx out of range")
    return p


def one_hot(ids, num_classes):
    n = _positive(num_classes, "num_classes")
    arr = _as_index_array(ids, n)
    return (arr[..., np.newaxis] == np.arange(n)).astype(np.float64)


def lookup(table, ids):
    tab = np.array(table, dtype=np.float64)
    if tab.ndim != 2:
        raise ValueError("table has to be a matrix")
    return np.take(tab, _as_index_array(ids, tab.shape[0]), axis=0)


def lookup_backward(grad_out, ids, num_embeddings, padding_idx=None):
    n = _positive(num_embeddings, "num_embeddings")
    arr = _as_index_array(ids, n)
    _pad(padding_idx, n)
    g = np.asarray(grad_out, dtype=np.float64)
    if g.shape[:-1] != arr.shape or g.ndim != arr.ndim + 1:
        raise ValueError("grad_out does not match the ids")
    width = g.shape[-1]
    cols = [np.bincount(arr.ravel(), weights=g.reshape(-1, width)[:, c], minlength=n) for c in range(width)]
    result = np.column_stack(cols) if cols else np.zeros((n, 0))
    if padding_idx is not None:
        result[padding_idx, :] = 0
    return result


def _weights(arr, padding_idx):
    live = np.ones_like(arr, dtype=np.float64) if padding_idx is None else (arr != padding_idx).astype(np.float64)
    totals = live.sum(axis=1)
    totals[totals == 0] = 1.0
    return live / totals[:, np.newaxis]


def bag_mean(table, ids, padding_idx=None):
    tab = np.array(table, dtype=np.float64)
    if tab.ndim != 2:
        raise ValueError("table has to be a matrix")
    arr = _as_index_array(ids, tab.shape[0])
    if arr.ndim != 2:
        raise ValueError("ids has to be (n, L)")
    _pad(padding_idx, tab.shape[0])
    return np.einsum("ij,ijk->ik", _weights(arr, padding_idx), tab[arr])


def bag_mean_backward(grad_out, ids, num_embeddings, padding_idx=None):
    n = _positive(num_embeddings, "num_embeddings")
    arr = _as_index_array(ids, n)
    if arr.ndim != 2:
        raise ValueError("ids has to be (n, L)")
    _pad(padding_idx, n)
    g = np.asarray(grad_out, dtype=np.float64)
    if g.ndim != 2 or g.shape[0] != arr.shape[0]:
        raise ValueError("grad_out has to be (n, d), a row per bag")
    spread = _weights(arr, padding_idx)[:, :, np.newaxis] * g[:, np.newaxis, :]
    return lookup_backward(spread, arr, n, padding_idx)
