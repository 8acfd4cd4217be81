"""Functions the hidden suite hands to kata functions that take a callable
(for example numerical_gradient(f, x)). Tests pass them by name with
grading.wire.Ref("name"); the worker looks them up here, so no code crosses the pipe."""

import numpy as np


def sum_of_squares(x):
    x = np.asarray(x, dtype=float)
    return float(np.sum(x * x))


def weighted_cubic(x):
    x = np.asarray(x, dtype=float)
    w = np.arange(1, x.size + 1, dtype=float).reshape(x.shape)
    return float(np.sum(w * x ** 3) + np.prod(np.cos(x)))


def row_norms_sum(x):
    """sum_i ||x_i|| of a 2-D array: its gradient is x_i / ||x_i||, row by row."""
    x = np.asarray(x, dtype=float)
    if x.ndim != 2:
        raise ValueError(f"row_norms_sum needs a 2-D x of shape (rows, columns), got shape {x.shape}")
    return float(np.sum(np.sqrt(np.sum(x * x, axis=1))))


def squares(x):
    """x ** 2 entry by entry: an array, not the single number a gradient needs."""
    return np.asarray(x, dtype=float) ** 2
