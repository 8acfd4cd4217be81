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
