"""Kata 1 — one-hot vectors vs learned lookup tables (reference solution)."""

import numpy as np


def _check_ids(ids, num_embeddings, name="ids"):
    """ids as an integer array, every entry in 0..num_embeddings-1, or a ValueError.

    An empty array holds no id to check, whatever its dtype: numpy makes [] float64."""
    ids = np.asarray(ids)
    if ids.size == 0 and ids.dtype.kind in "biuf":
        return ids.astype(np.intp)
    if ids.dtype == bool or ids.dtype.kind not in "iu":
        raise ValueError(f"{name} must be integers, got dtype {ids.dtype}")
    if ids.size and (ids.min() < 0 or ids.max() >= num_embeddings):
        raise ValueError(f"{name} must be in 0..{num_embeddings - 1}, "
                         f"got values from {ids.min()} to {ids.max()}")
    return ids.astype(np.intp, copy=False)


def _check_count(n, name):
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"{name} must be a positive integer, got {n!r}")
    return int(n)


def _check_padding(padding_idx, num_embeddings):
    if padding_idx is None:
        return None
    if isinstance(padding_idx, bool) or not isinstance(padding_idx, (int, np.integer)) \
            or not 0 <= padding_idx < num_embeddings:
        raise ValueError(f"padding_idx must be None or in 0..{num_embeddings - 1}, got {padding_idx!r}")
    return int(padding_idx)


def _check_table(table):
    table = np.asarray(table, dtype=np.float64)
    if table.ndim != 2:
        raise ValueError(f"table must be 2-D (num_embeddings, d), got shape {table.shape}")
    return table


def _check_grad(grad_out, shape):
    grad_out = np.asarray(grad_out, dtype=np.float64)
    if grad_out.ndim != len(shape) + 1 or grad_out.shape[:-1] != shape:
        raise ValueError(f"grad_out must have shape {shape} + (d,), got {grad_out.shape}")
    return grad_out


def one_hot(ids, num_classes):
    num_classes = _check_count(num_classes, "num_classes")
    ids = _check_ids(ids, num_classes)
    out = np.zeros(ids.shape + (num_classes,))
    np.put_along_axis(out, ids[..., None], 1.0, axis=-1)
    return out


def lookup(table, ids):
    table = _check_table(table)
    ids = _check_ids(ids, table.shape[0])
    return table[ids]


def lookup_backward(grad_out, ids, num_embeddings, padding_idx=None):
    num_embeddings = _check_count(num_embeddings, "num_embeddings")
    ids = _check_ids(ids, num_embeddings)
    padding_idx = _check_padding(padding_idx, num_embeddings)
    grad_out = _check_grad(grad_out, ids.shape)
    d = grad_out.shape[-1]
    grad_table = np.zeros((num_embeddings, d))
    np.add.at(grad_table, ids.reshape(-1), grad_out.reshape(-1, d))  # repeated ids accumulate
    if padding_idx is not None:
        grad_table[padding_idx] = 0.0
    return grad_table


def _bag_weights(ids, padding_idx):
    """weights[i, l] = 1/count_i for the non-padding positions of bag i, else 0."""
    keep = np.ones(ids.shape, dtype=bool) if padding_idx is None else ids != padding_idx
    counts = keep.sum(axis=1, keepdims=True)
    return keep / np.maximum(counts, 1)


def _check_bags(ids, num_embeddings):
    ids = _check_ids(ids, num_embeddings)
    if ids.ndim != 2:
        raise ValueError(f"ids must be 2-D (n, L), got shape {ids.shape}")
    return ids


def bag_mean(table, ids, padding_idx=None):
    table = _check_table(table)
    ids = _check_bags(ids, table.shape[0])
    padding_idx = _check_padding(padding_idx, table.shape[0])
    weights = _bag_weights(ids, padding_idx)
    return np.einsum("nl,nld->nd", weights, table[ids])


def bag_mean_backward(grad_out, ids, num_embeddings, padding_idx=None):
    num_embeddings = _check_count(num_embeddings, "num_embeddings")
    ids = _check_bags(ids, num_embeddings)
    padding_idx = _check_padding(padding_idx, num_embeddings)
    grad_out = _check_grad(grad_out, ids.shape[:1])
    weights = _bag_weights(ids, padding_idx)
    per_position = weights[:, :, None] * grad_out[:, None, :]
    return lookup_backward(per_position, ids, num_embeddings, padding_idx)
