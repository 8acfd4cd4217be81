"""Short, readable renderings of values for one-line messages."""

from __future__ import annotations

import numpy as np

SMALL = 8


def number(x) -> str:
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    x = float(x)
    if x == 0:
        return "0.0"
    return f"{x:.6g}" if 1e-4 <= abs(x) < 1e6 else f"{x:.4g}"


def array(a: np.ndarray) -> str:
    """The values of a small array on one line; the shape of a large one."""
    a = np.asarray(a)
    if a.ndim == 0:
        return number(a.item())
    if a.size <= SMALL or (a.ndim == 1 and a.size <= 2 * SMALL and a.dtype.kind in "biu"):
        text = np.array2string(a, precision=4, suppress_small=True, max_line_width=10_000,
                               separator=" ", threshold=10_000)
        return " ".join(text.split())
    head = np.array2string(a.reshape(-1)[:4], precision=4, suppress_small=True, separator=" ")
    return f"array of shape {a.shape} {a.dtype} starting {head[:-1]} ...]"


def value(v) -> str:
    """A value as a learner would recognise it in a message."""
    if isinstance(v, np.ndarray):
        return array(v)
    if isinstance(v, (bool, int, float, np.generic)):
        return number(v)
    if isinstance(v, str):
        return repr(v) if len(v) <= 60 else repr(v[:57] + "...")
    if isinstance(v, tuple):
        return "(" + ", ".join(value(x) for x in v[:SMALL]) + (", ...)" if len(v) > SMALL else ")")
    if isinstance(v, list):
        if len(v) <= SMALL and all(not isinstance(x, (list, tuple, np.ndarray)) or _short(x) for x in v):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return f"a list of {len(v)} items"
    if isinstance(v, dict):
        inner = ", ".join(f"{k!r}: {value(x)}" for k, x in list(v.items())[:SMALL])
        return "{" + inner + (", ...}" if len(v) > SMALL else "}")
    if v is None:
        return "None"
    return repr(v)


def _short(x) -> bool:
    return len(x) <= 4 and all(not isinstance(y, (list, tuple, np.ndarray)) for y in x)


def argument(name: str | None, v) -> str:
    """One argument of a call: `ids [3 1 3 0]`, `grad_out (4, 3)`, `num_embeddings=5`."""
    if isinstance(v, np.ndarray) and v.size > SMALL:
        text = f"{v.shape}" if v.dtype.kind == "f" else f"{v.shape} {v.dtype}"
        return f"{name} {text}" if name else f"array {text}"
    if isinstance(v, (np.ndarray, list, tuple)):
        text = value(v)
        return f"{name} {text}" if name else text
    return f"{name}={value(v)}" if name else value(v)
