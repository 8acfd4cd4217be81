"""Kata 4 — InfoNCE with hand-written gradients (reference solution)."""

import numbers

import numpy as np

_EPS = 1e-12  # rows shorter than this count as zero vectors: they normalize to zeros, with gradient 0


# ---------------------------------------------------------------- validation

def _batch(z, name):
    """z as a float64 (B, d) array with B >= 1 and d >= 1, or a ValueError."""
    z = np.asarray(z, dtype=np.float64)
    if z.ndim != 2:
        raise ValueError(f"{name} must be 2-D (B, d), one row per sample, got shape {z.shape}")
    if z.shape[0] == 0 or z.shape[1] == 0:
        raise ValueError(f"{name} is empty (shape {z.shape}): the batch needs at least one row "
                         "and one column")
    return z


def _pair(z1, z2, names=("z1", "z2")):
    z1, z2 = _batch(z1, names[0]), _batch(z2, names[1])
    if z1.shape != z2.shape:
        raise ValueError(f"{names[0]} and {names[1]} must have the same shape, "
                         f"got {z1.shape} and {z2.shape}")
    return z1, z2


def _number(value, name):
    """value as a float, or a ValueError (a bool, a string or None is not a number here)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number, got {value!r}")
    return float(value)


def _positive(value, name):
    value = _number(value, name)
    if not value > 0 or not np.isfinite(value):
        raise ValueError(f"{name} must be > 0 and finite, got {value!r}")
    return value


def _axis(axis, ndim):
    """axis as None or an int in -ndim..ndim-1, or a ValueError."""
    if axis is None:
        return None
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, numbers.Integral):
        raise ValueError(f"axis must be an int or None, got {axis!r}")
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of range for an array of {ndim} dimensions")
    return int(axis)


def _single_number(value):
    """What f returned, as a float: numerical_gradient differentiates scalar functions only."""
    a = np.asarray(value)
    if a.size != 1 or a.dtype.kind not in "iuf":
        raise ValueError(f"f must return a single number, got {type(value).__name__} of shape {a.shape}")
    return float(a.reshape(()))


# ---------------------------------------------------------------- building blocks

def _normalize(z):
    """(n, norms): rows of z scaled to unit length, and their lengths (n, 1).

    A row shorter than _EPS (a zero row) has no direction: its n is zeros, never 0 / 0."""
    norms = np.sqrt(np.einsum("ij,ij->i", z, z))[:, None]
    return np.where(norms >= _EPS, z / np.where(norms >= _EPS, norms, 1.0), 0.0), norms


def _normalize_backward(n, norms, dn):
    """Gradient with respect to z of a loss whose gradient with respect to n = z/||z|| is dn.

    Row by row this is the Jacobian (I - n n^T) / ||z|| applied to dn: the part of dn
    along n is removed (scaling z does not move n), the rest is divided by ||z||. A row
    shorter than _EPS normalizes to zeros all around it, so its gradient is 0 (dividing by
    a norm clamped at _EPS would give it 1e12 times dn instead).
    """
    radial = np.einsum("ij,ij->i", n, dn)[:, None]
    inverse = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms >= _EPS)
    return (dn - radial * n) * inverse


_BLOCK = 1 << 17  # entries of S (1 MB) handled at a time, so the softmax passes run in cache


def _softmax_in_place(S, symmetric):
    """Overwrite the logits S with softmax weights W, and return the loss.

    W is the softmax along each row or, for symmetric=True, the softmax along each row plus
    the softmax down each column, so that dloss/dS = (W - I) / B, or (W / 2 - I) / B when
    symmetric. S is worked through a few rows at a time: the max, the exp and the sums then
    run on data that is still in cache, and `scratch` is reused instead of new temporaries.
    """
    B = len(S)
    step = max(1, _BLOCK // B)
    blocks = [slice(start, start + step) for start in range(0, B, step)]
    scratch = np.empty((step, B))
    positives = np.diagonal(S).copy()
    if symmetric:  # logsumexp down each column, before any row is overwritten
        col_max = S.max(axis=0)
        col_sums = np.zeros(B)
        for rows in blocks:
            shifted = np.subtract(S[rows], col_max, out=scratch[: len(S[rows])])
            col_sums += np.exp(shifted, out=shifted).sum(axis=0)
        col_lse = col_max + np.log(col_sums)
    row_lse = np.empty(B)
    for rows in blocks:
        block = S[rows]  # a view: writing to it writes to S
        if symmetric:
            col_softmax = np.subtract(block, col_lse, out=scratch[: len(block)])
            np.exp(col_softmax, out=col_softmax)
        m = block.max(axis=1, keepdims=True)
        np.subtract(block, m, out=block)
        np.exp(block, out=block)
        sums = block.sum(axis=1, keepdims=True)
        row_lse[rows] = m[:, 0] + np.log(sums[:, 0])
        block *= 1.0 / sums  # a multiply is cheaper than a divide
        if symmetric:
            block += col_softmax
    loss = np.mean(row_lse - positives)
    if symmetric:
        loss = (loss + np.mean(col_lse - positives)) / 2
    return float(loss)


def _logits(z1, z2, temperature):
    n1, r1 = _normalize(z1)
    n2, r2 = _normalize(z2)
    S = (n1 / temperature) @ n2.T  # dividing the (B, d) factor is cheaper than the (B, B) product
    return S, n1, r1, n2, r2


# ---------------------------------------------------------------- the kata

def logsumexp(X, axis=-1):
    X = np.asarray(X, dtype=np.float64)
    axis = _axis(axis, X.ndim)
    # initial=-inf: an empty slice has max -inf, and its sum of nothing gives log(0) = -inf
    m = np.max(X, axis=axis, keepdims=True, initial=-np.inf)
    shift = np.where(np.isfinite(m), m, 0.0)  # an all -inf slice: shift by 0, giving log(0) = -inf
    with np.errstate(divide="ignore", over="ignore"):  # overflow only in a slice that holds +inf
        out = np.log(np.sum(np.exp(X - shift), axis=axis)) + np.squeeze(shift, axis=axis)
    out = np.where(np.squeeze(m, axis=axis) == np.inf, np.inf, out)  # a +inf entry: the sum is +inf
    return float(out) if out.ndim == 0 else out


def info_nce(z1, z2, temperature=0.1, symmetric=False):
    z1, z2 = _pair(z1, z2)
    temperature = _positive(temperature, "temperature")
    S, *_ = _logits(z1, z2, temperature)
    positives = np.diagonal(S)
    loss = np.mean(logsumexp(S, axis=1) - positives)
    if symmetric:
        loss = (loss + np.mean(logsumexp(S, axis=0) - positives)) / 2
    return float(loss)


def info_nce_grad(z1, z2, temperature=0.1, symmetric=False):
    z1, z2 = _pair(z1, z2)
    temperature = _positive(temperature, "temperature")
    S, n1, r1, n2, r2 = _logits(z1, z2, temperature)
    B = S.shape[0]
    loss = _softmax_in_place(S, symmetric)  # S now holds W
    half = 0.5 if symmetric else 1.0  # the symmetric W holds two softmaxes, and their mean counts
    scale = 1.0 / (B * temperature)  # the mean over rows, and the logits' 1/temperature
    dn1 = (half * (S @ n2) - n2) * scale  # (half W - I) @ n2, without building I
    dn2 = (half * (S.T @ n1) - n1) * scale
    return loss, _normalize_backward(n1, r1, dn1), _normalize_backward(n2, r2, dn2)


def numerical_gradient(f, x, h=1e-6):
    x = np.asarray(x)
    if not callable(f):
        raise ValueError(f"f must be a function of x, got {type(f).__name__}")
    h = _positive(h, "h")
    if x.dtype.kind not in "iuf":
        raise ValueError(f"x must hold numbers, got dtype {x.dtype}")
    work = x.astype(np.float64, copy=True)  # never perturb the caller's array
    flat = work.reshape(-1)
    grad = np.zeros(flat.size)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        plus = _single_number(f(work))
        flat[i] = old - h
        minus = _single_number(f(work))
        flat[i] = old
        grad[i] = (plus - minus) / (2 * h)
    return grad.reshape(x.shape)


def alignment(z1, z2, alpha=2):
    z1, z2 = _pair(z1, z2)
    alpha = _positive(alpha, "alpha")
    n1, _ = _normalize(z1)
    n2, _ = _normalize(z2)
    return float(np.mean(np.linalg.norm(n1 - n2, axis=1) ** alpha))


def uniformity(z, t=2):
    z = _batch(z, "z")
    t = _positive(t, "t")
    B = z.shape[0]
    if B < 2:
        raise ValueError(f"uniformity needs at least 2 rows (pairs i < j), got {B}")
    n, _ = _normalize(z)
    i, j = np.triu_indices(B, k=1)
    sq_dist = np.maximum(2.0 - 2.0 * (n @ n.T)[i, j], 0.0)  # ||n_i - n_j||^2 of unit vectors, pairs i < j
    # log of a mean of exponentials: a logsumexp minus log(#pairs), so large t cannot underflow
    return float(logsumexp(-t * sq_dist) - np.log(i.size))


def _margin(margin):
    """margin as a finite float >= 0 (0 allowed: then only rows with ||a-p|| > ||a-n|| count)."""
    margin = _number(margin, "margin")
    if not (np.isfinite(margin) and margin >= 0):
        raise ValueError(f"margin must be a finite number >= 0, got {margin!r}")
    return margin


def triplet_loss(anchor, positive, negative, margin=0.2):
    a, p = _pair(anchor, positive, ("anchor", "positive"))
    _, n = _pair(anchor, negative, ("anchor", "negative"))
    margin = _margin(margin)
    B = a.shape[0]
    to_pos, to_neg = a - p, a - n
    hinge = np.einsum("ij,ij->i", to_pos, to_pos) - np.einsum("ij,ij->i", to_neg, to_neg) + margin
    active = (hinge > 0)[:, None]  # strictly > 0: a row exactly at the hinge gets no gradient
    d_anchor = np.where(active, (2.0 / B) * (n - p), 0.0)
    d_positive = np.where(active, (2.0 / B) * (p - a), 0.0)
    d_negative = np.where(active, (2.0 / B) * to_neg, 0.0)
    return float(np.mean(np.maximum(hinge, 0.0))), d_anchor, d_positive, d_negative
