"""What the hidden suite uses to judge a `Called`.

Every result is coerced first (`as_array`, `as_float`, `as_ints`): a plain float64 or
int64 ndarray of the expected shape, or a plain float, so nothing the kata returns can
decide a comparison. Then `close`, `equal` and `expect` compare and, on failure, raise
a Mismatch that reads

    Called f(args) -> returned X, expected Y: the concept to look at.
"""

from __future__ import annotations

import functools

import numpy as np

from . import show
from .outcomes import Mismatch
from .calls import ECHO_BYTES, Called


def _returned(called: Called) -> str:
    label = f"{called.label} " if called.label else ""
    return f"{label}{show.value(called.value)}" if label else f"returned {show.value(called.value)}"


def fail(called: Called, returned: str, expected: str, why: str):
    """Raise the standard message. `returned` and `expected` are short descriptions."""
    raise Mismatch(f"Called {called} -> {returned}, expected {expected}: {why}.")


def expect(ok: bool, called: Called, returned: str, expected: str, why: str) -> None:
    if not bool(ok):
        fail(called, returned, expected, why)


def _numeric(called: Called) -> np.ndarray:
    value = called.value
    try:
        a = np.asarray(value)
    except (ValueError, TypeError):  # ragged lists
        a = None
    if a is None:  # raised here, not in the except block, so no exception chain keeps the value alive
        fail(called, _returned(called), "an array", "return a numpy array of numbers")
    if a.dtype.kind not in "biuf":
        fail(called, _returned(called), "an array of numbers", "return a numpy array of numbers")
    return a


def _shape(called: Called, a: np.ndarray, shape) -> None:
    if shape is not None and a.shape != tuple(shape):
        label = f"{called.label} has" if called.label else "returned an array of"
        fail(called, f"{label} shape {a.shape}", f"shape {tuple(shape)}",
             "check the shape the docstring gives")


def as_array(called: Called, shape=None) -> np.ndarray:
    """The result as a plain float64 ndarray of `shape` (None: any shape); the shape is
    checked before anything is converted."""
    a = _numeric(called)
    _shape(called, a, shape)
    return a.astype(np.float64)


def as_ints(called: Called, shape=None) -> np.ndarray:
    """The result as a plain int64 ndarray of `shape`; floats are not accepted."""
    a = _numeric(called)
    if a.dtype.kind not in "iu" and a.size:
        fail(called, f"{_returned(called)} of dtype {a.dtype}", "integers", "indices are integers")
    _shape(called, a, shape)
    return a.astype(np.int64)


def as_float(called: Called) -> float:
    """The result as a plain Python float."""
    value = called.value
    if isinstance(value, bool) or not isinstance(value, (int, float, np.ndarray)) or (
            isinstance(value, np.ndarray) and (value.size != 1 or value.dtype.kind not in "iuf")):
        fail(called, _returned(called), "a single number", "return a Python float")
    return float(np.asarray(value).reshape(()))


def _first_bad(bad: np.ndarray):
    return tuple(int(i) for i in np.argwhere(bad)[0])


def _describe(called: Called, got: np.ndarray, expected: np.ndarray, bad: np.ndarray):
    """(returned, expected) phrases that point at the first place the arrays differ."""
    label = f"{called.label} " if called.label else ""
    if got.ndim == 0:
        return f"{label or 'returned '}{show.number(got.item())}", show.number(expected.item())
    if got.size <= show.SMALL and got.ndim <= 2:
        return f"{label or 'returned '}{show.array(got)}", show.array(expected)
    at = _first_bad(bad)
    if got.ndim == 1:
        return (f"{label}entry {at[0]} is {show.number(got[at])}", f"{show.number(expected[at])}")
    row = at[:-1]
    where = f"row {row[0]}" if len(row) == 1 else f"row {row}"
    return f"{label}{where} is {show.array(got[row])}", show.array(expected[row])


def close(called: Called, got, expected, why: str, rtol: float = 1e-6, atol: float = 1e-9) -> None:
    """`got` (already coerced) equals `expected` up to rtol and atol, everywhere."""
    got = np.asarray(got, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if got.shape != expected.shape:
        _shape(called, got, expected.shape)
    bad = ~np.isclose(got, expected, rtol=rtol, atol=atol, equal_nan=False)
    if bad.any():
        returned, wanted = _describe(called, got, expected, bad)
        fail(called, returned, wanted, why)


def equal(called: Called, got, expected, why: str) -> None:
    """`got` (already coerced) equals `expected` exactly."""
    got, expected = np.asarray(got), np.asarray(expected)
    if got.shape != expected.shape:
        _shape(called, got, expected.shape)
    bad = got != expected
    if bad.any():
        returned, wanted = _describe(called, got, expected, np.asarray(bad))
        fail(called, returned, wanted, why)


def finite(called: Called, got, why: str) -> None:
    """No NaN or inf anywhere in `got`."""
    got = np.asarray(got, dtype=np.float64)
    if not np.isfinite(got).all():
        bad = ~np.isfinite(got)
        returned, _ = _describe(called, got, np.zeros_like(got), bad)
        fail(called, returned, "finite numbers everywhere", why)


def unchanged(called: Called) -> None:
    """The call did not change any of its arguments in place (judged by the sandbox, from the
    arguments as the worker sent them back, against the judge's own copy)."""
    if called.changed is None:
        raise AssertionError(f"unchanged() needs a side check (@pytest.mark.side, whose calls send their "
                             f"arguments back) and arguments of at most {ECHO_BYTES} bytes: {called}")
    if called.changed:
        names = ", ".join(called.changed)
        raise Mismatch(f"Called {called} -> changed {names} in place, expected the inputs left as they "
                       "were: work on a copy (a kata function never modifies its inputs).")


def numerical_gradient(f, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Central differences of a scalar function, computed by the judge for gradient checks."""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    flat, g = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        plus = f(x)
        flat[i] = old - h
        minus = f(x)
        flat[i] = old
        g[i] = (plus - minus) / (2 * h)
    return grad


def _read_only(value):
    if isinstance(value, np.ndarray):
        value.flags.writeable = False
    elif isinstance(value, (tuple, list)):
        for v in value:
            _read_only(v)
    return value


def _key(value):
    """A hashable stand-in for an argument of a fixed function: an array by its bytes, lists,
    tuples and dicts by their items."""
    if isinstance(value, np.ndarray):
        return ("array", value.dtype.str, value.shape, value.tobytes())
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(_key(v) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple((k, _key(v)) for k, v in value.items()))
    return value


def fixed(build):
    """For a function of constants only (seeds, sizes, or small arrays built from them) that
    builds a check's inputs or its expected values: computed once per judge, then the same
    value for every submission the judge grades in turn (batches keep their judges). Array
    arguments are told apart by their bytes. Its arrays are made read-only, so a check cannot
    change what the next submission is judged by."""
    cache = {}

    @functools.wraps(build)
    def wrapper(*args):
        key = tuple(_key(a) for a in args)
        if key not in cache:
            cache[key] = _read_only(build(*args))
        return cache[key]
    return wrapper
