"""Kata 9 — embeddings learned by predicting the next word (reference solution)."""

import numbers

import numpy as np

_CHUNK = 4096  # rows of logits at a time in perplexity: (N, V) logits of a whole corpus may not fit


# ---------------------------------------------------------------- validation

def _integer(value, name, smallest):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) or value < smallest:
        raise ValueError(f"{name} must be an integer >= {smallest}, got {value!r}")
    return int(value)


def _pad(pad_id, V=None):
    """pad_id as an int, in 0..V-1 when V is known, or a ValueError."""
    if isinstance(pad_id, (bool, np.bool_)) or not isinstance(pad_id, numbers.Integral) or pad_id < 0 \
            or (V is not None and pad_id >= V):
        limits = f"in 0..{V - 1}" if V is not None else ">= 0"
        raise ValueError(f"pad_id must be an integer id {limits} (a row of E), got {pad_id!r}")
    return int(pad_id)


def _ids(ids, V, name):
    """ids as an intp array with every entry in 0..V-1 (V None: any id >= 0), or a ValueError."""
    ids = np.asarray(ids)
    if ids.size == 0 and ids.dtype.kind == "f":  # [] arrives as float64
        ids = ids.astype(np.intp)
    if ids.dtype == bool or ids.dtype.kind not in "iu":
        raise ValueError(f"{name} must hold integer ids, got dtype {ids.dtype}")
    if ids.size and (ids.min() < 0 or (V is not None and ids.max() >= V)):
        limits = f"0..{V - 1}" if V is not None else "ids >= 0"
        raise ValueError(f"{name} must be in {limits}, got values from {ids.min()} to {ids.max()}")
    return ids.astype(np.intp, copy=False)


def _model(E, W, b):
    """E (V, d), W (d, V) and b (V,) as float64 arrays whose shapes agree, or a ValueError."""
    E, W, b = (np.asarray(a, dtype=np.float64) for a in (E, W, b))
    if E.ndim != 2 or E.shape[0] < 1 or E.shape[1] < 1:
        raise ValueError(f"E must be 2-D (V, d) with V, d >= 1, got shape {E.shape}")
    V, d = E.shape
    if W.shape != (d, V):
        raise ValueError(f"W must have shape (d, V) = ({d}, {V}) for E of shape {E.shape}, got {W.shape}")
    if b.shape != (V,):
        raise ValueError(f"b must have shape (V,) = ({V},), one bias per word, got {b.shape}")
    return E, W, b


def _windows(X, V):
    X = _ids(X, V, "X")
    if X.ndim != 2 or X.shape[1] < 1:
        raise ValueError(f"X must be 2-D (N, context) with context >= 1, got shape {X.shape}")
    return X


def _checked(E, W, b, X, y, pad_id):
    E, W, b = _model(E, W, b)
    V = E.shape[0]
    pad_id = _pad(pad_id, V)
    X = _windows(X, V)
    y = _ids(y, V, "y")
    if y.shape != X.shape[:1]:
        raise ValueError(f"y must have shape ({X.shape[0]},), one target per row of X, got {y.shape}")
    if y.size == 0:
        raise ValueError("X and y are empty: the mean loss of no window is undefined")
    if (y == pad_id).any():
        raise ValueError(f"y holds pad_id = {pad_id}: padding is never a word to predict")
    return E, W, b, X, y, pad_id


# ---------------------------------------------------------------- windows

def context_windows(encoded, context, pad_id):
    context = _integer(context, "context", 1)
    pad_id = _pad(pad_id)
    sentences = [_ids(s, None, f"sentence {i} of encoded") for i, s in enumerate(encoded)]
    for i, s in enumerate(sentences):
        if s.ndim != 1:
            raise ValueError(f"sentence {i} of encoded must be a 1-D array of ids, got shape {s.shape}")
        if (s == pad_id).any():
            raise ValueError(f"sentence {i} of encoded holds pad_id = {pad_id}: padding is not a word")
    lengths = np.array([len(s) for s in sentences], dtype=np.intp)
    tokens = np.concatenate(sentences) if sentences else np.zeros(0, np.intp)
    # Lay the sentences out end to end, each after `context` copies of pad_id: then the `context`
    # entries before any token are its window, left-padded, and never reach into the sentence before.
    where = np.arange(len(tokens)) + context * np.repeat(np.arange(1, len(sentences) + 1), lengths)
    laid_out = np.full(len(tokens) + context * len(sentences), pad_id, dtype=np.int64)
    laid_out[where] = tokens
    X = laid_out[where[:, None] + np.arange(-context, 0)]
    return X, tokens.astype(np.int64)


# ---------------------------------------------------------------- the model

def _pool(E, X, pad_id):
    """(h, weights): weights[i, j] = 1 / (the number of non-pad ids of row i) where X[i, j] != pad_id,
    else 0, and h[i] = sum_j weights[i, j] E[X[i, j]], the mean of the row's words (0 for a row of
    padding only: all its weights are 0)."""
    keep = X != pad_id
    weights = (keep / np.maximum(keep.sum(axis=1, keepdims=True), 1)).astype(E.dtype, copy=False)
    h = np.einsum("nj,njd->nd", weights, np.take(E, X, axis=0))  # np.take: E[X], gathered faster
    return h, weights


def _softmax_in_place(Z, y, scale=1.0):
    """Turn the logits Z (n, V) into scale * their softmax, in place, and return each row's
    cross-entropy logsumexp(Z[i]) - Z[i, y[i]]. Each row's max is taken out first: the largest
    exponent is then 0, so nothing overflows, and each row's sum is at least 1, so its log is
    finite. In place, because at V in the thousands each (n, V) temporary costs more than the
    matrix product that fills it."""
    rows = np.arange(len(y))
    Z -= Z.max(axis=1, keepdims=True)
    target = Z[rows, y]
    np.exp(Z, out=Z)
    sums = Z.sum(axis=1)
    Z *= (scale / sums)[:, None]
    return np.log(sums, dtype=np.float64) - target  # float64 even for float32 logits


def _scatter_rows(ids, weights, rows, V):
    """(V, d) whose row v is the sum of weights[i, j] * rows[i] over every (i, j) with ids[i, j] == v:
    for each column of rows, one np.bincount of the weighted column over the ids, so repeated ids
    accumulate (kata 1's scatter-add, d bincounts instead of one np.add.at)."""
    ids = ids.reshape(-1)
    return np.stack([np.bincount(ids, weights=(weights * column[:, None]).reshape(-1), minlength=V)
                     for column in rows.T], axis=1)


def _loss_and_grads(E, W, b, X, y, pad_id):
    """The loss and gradients of checked arrays."""
    N, V = len(y), E.shape[0]
    h, weights = _pool(E, X, pad_id)
    G = h @ W
    G += b
    loss = float(np.mean(_softmax_in_place(G, y, scale=1.0 / N)))  # G = softmax / N
    G[np.arange(N), y] -= 1.0 / N            # (softmax - onehot) / N = d loss / d logits, the loss a mean
    dW, db, dh = h.T @ G, G.sum(axis=0), G @ W.T
    # Row i of h is sum_j weights[i, j] E[X[i, j]]: each position sends weights[i, j] dh[i] to its
    # row of E. Padding has weight 0, so row pad_id receives only zeros; it is zeroed to say so.
    dE = _scatter_rows(X, weights, dh, V)
    dE[pad_id] = 0.0
    return loss, dE, dW, db


def forward(E, W, b, X, pad_id):
    E, W, b = _model(E, W, b)
    pad_id = _pad(pad_id, E.shape[0])
    X = _windows(X, E.shape[0])
    h, _ = _pool(E, X, pad_id)
    logits = h @ W
    logits += b
    return logits


def loss_and_grads(E, W, b, X, y, pad_id):
    return _loss_and_grads(*_checked(E, W, b, X, y, pad_id))


# ---------------------------------------------------------------- training

def _training_windows(encoded, vocab_size, pad_id, dim, context, epochs, lr, batch_size, seed):
    """The checked arguments of train_next_word, with the corpus as its windows (X, y)."""
    vocab_size = _integer(vocab_size, "vocab_size", 2)
    pad_id = _pad(pad_id, vocab_size)
    for value, name in ((dim, "dim"), (context, "context"), (epochs, "epochs"), (batch_size, "batch_size")):
        _integer(value, name, 1)
    _integer(seed, "seed", 0)
    if isinstance(lr, (bool, np.bool_)) or not isinstance(lr, numbers.Real) or not (np.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be a finite number > 0, got {lr!r}")
    X, y = context_windows(encoded, context, pad_id)
    if y.size == 0:
        raise ValueError("encoded holds no word: there is no window to train on")
    if y.max() >= vocab_size:
        raise ValueError(f"the ids in encoded must be in 0..{vocab_size - 1}, got {y.max()}")
    return X, y, vocab_size, pad_id


def train_next_word(encoded, vocab_size, pad_id, dim=32, context=3, epochs=3, lr=0.5,
                    batch_size=256, seed=0):
    X, y, vocab_size, pad_id = _training_windows(encoded, vocab_size, pad_id, dim, context, epochs, lr,
                                                 batch_size, seed)
    N = len(y)

    rng = np.random.default_rng(seed)
    E = 0.1 * rng.standard_normal((vocab_size, dim))
    E[pad_id] = 0.0
    # float32 tables, as in word2vec: every step moves (batch_size, V) arrays and the (dim, V) W,
    # and half the bytes make a step almost twice as fast; SGD needs no more precision than that.
    E, W, b = E.astype(np.float32), np.zeros((dim, vocab_size), np.float32), np.zeros(vocab_size, np.float32)
    losses = np.empty(epochs)
    for epoch in range(epochs):
        order = rng.permutation(N)
        total = 0.0
        for start in range(0, N, batch_size):
            batch = order[start:start + batch_size]
            loss, dE, dW, db = _loss_and_grads(E, W, b, X[batch], y[batch], pad_id)
            total += loss * len(batch)        # the loss of the batch before its step
            E -= lr * dE                       # row pad_id of dE is 0: that row never moves
            W -= lr * dW
            b -= lr * db
        losses[epoch] = total / N
    return E.astype(np.float64), W.astype(np.float64), b.astype(np.float64), losses


def perplexity(E, W, b, X, y, pad_id):
    E, W, b, X, y, pad_id = _checked(E, W, b, X, y, pad_id)
    total = 0.0
    for start in range(0, len(y), _CHUNK):
        rows = slice(start, start + _CHUNK)
        h, _ = _pool(E, X[rows], pad_id)
        Z = h @ W
        Z += b
        total += float(np.sum(_softmax_in_place(Z, y[rows])))
    return float(np.exp(total / len(y)))
