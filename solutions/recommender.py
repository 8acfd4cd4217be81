"""Kata 10 — user and item embeddings from implicit feedback (reference solution)."""

import numpy as np

_INIT_SCALE = 0.1  # train_bpr starts U and V as normal draws with this standard deviation
_LISTED_CELLS = 1 << 21  # users x items up to which negatives are drawn from lists of free items (16 MB)


# ---------------------------------------------------------------- validation helpers

def _check_int(n, name, low):
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)) or n < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {n!r}")
    return int(n)


def _check_number(x, name, low, strict):
    ok = isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, (bool, np.bool_))
    if not ok or not np.isfinite(x) or (x <= low if strict else x < low):
        raise ValueError(f"{name} must be a finite number {'>' if strict else '>='} {low}, got {x!r}")
    return float(x)


def _check_ids(ids, size, name):
    """ids as a 1-D int64 array with every entry in 0..size-1 (size None: no upper bound)."""
    ids = np.asarray(ids)
    if ids.size == 0:
        ids = ids.astype(np.int64)
    if ids.dtype == bool or ids.dtype.kind not in "iu":
        raise ValueError(f"{name} must hold integer ids, got dtype {ids.dtype}")
    if ids.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {ids.shape}")
    if ids.size and (ids.min() < 0 or (size is not None and ids.max() >= size)):
        top = "" if size is None else f"..{size - 1}"
        raise ValueError(f"{name} must be in 0{top}, got values from {ids.min()} to {ids.max()}")
    return ids.astype(np.int64, copy=False)


def _check_pairs(pairs, n_users, n_items, name):
    """(users, items): the two columns of an (n, 2) array of integer (user, item) pairs."""
    pairs = np.asarray(pairs)
    if pairs.size == 0:
        pairs = pairs.reshape(-1, 2).astype(np.int64)
    if pairs.ndim != 2 or pairs.shape[1] != 2:
        raise ValueError(f"{name} must be an (n, 2) array of (user, item) pairs, got shape {pairs.shape}")
    users = _check_ids(pairs[:, 0], n_users, f"the users of {name}")
    items = _check_ids(pairs[:, 1], n_items, f"the items of {name}")
    return users, items


def _check_tables(U, V):
    U = np.asarray(U, dtype=np.float64)
    V = np.asarray(V, dtype=np.float64)
    if U.ndim != 2 or V.ndim != 2 or U.shape[1] != V.shape[1]:
        raise ValueError(f"U and V must be 2-D with the same number of columns, got shapes {U.shape} and {V.shape}")
    if not (np.isfinite(U).all() and np.isfinite(V).all()):
        raise ValueError("U and V must hold finite numbers")
    return U, V


def _distinct(keys):
    """The distinct values of a 1-D int array, ascending, as np.unique(keys) gives them: one sort
    and a comparison of neighbours, which costs a sort on every numpy version (numpy 2.4's
    np.unique of 200,000 ints takes a hundred times longer)."""
    keys = np.sort(keys)
    return keys[np.concatenate([[True], keys[1:] != keys[:-1]])] if keys.size else keys


# ---------------------------------------------------------------- the leave-one-out split

def leave_one_out(pairs, n_users, seed=0):
    n_users = _check_int(n_users, "n_users", 1)
    users, items = _check_pairs(pairs, n_users, None, "pairs")
    # One key per pair, in the order of (user, item): sorted, duplicates dropped.
    base = int(items.max()) + 1 if items.size else 1
    keys = _distinct(users * base + items)
    users, items = keys // base, keys % base
    counts = np.bincount(users, minlength=n_users)
    starts = np.cumsum(counts) - counts                  # where each user's run of pairs begins
    rng = np.random.default_rng(seed)
    chosen = np.flatnonzero(counts >= 2)                 # users with an item to spare
    held_out = starts[chosen] + rng.integers(0, counts[chosen])  # one draw per such user, in user order
    in_test = np.zeros(len(keys), dtype=bool)
    in_test[held_out] = True
    split = np.column_stack([users, items])
    return split[~in_test], split[in_test]


# ---------------------------------------------------------------- BPR

def _softplus(z):
    """log(1 + e^z) for any z, as np.logaddexp(0, z) gives it, three times faster: max(z, 0) +
    log(1 + e^-|z|) never takes exp of a positive number."""
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def _bpr_steps(table, rows, reg, scale, x=None, steps=None):
    """(x, squares, steps) of one batch. table holds the user rows and then the item rows (U and V
    stacked); rows (3, B) says which rows are each pair's U[u], V[p] and V[n]. x (B,) holds the
    score differences, squares the sum of the squared entries of those 3B rows (the reg term of
    the loss is reg / 2 times it), and steps (3, B, d) scale times the gradient of each pair's own
    loss with respect to its three rows; x and steps are written into the arrays given, if any.
    train_bpr takes scale = -lr, adds the steps to the rows and sums the loss, softplus(-x), once
    per epoch. Stable for any x."""
    if steps is None:
        steps = table.take(rows, axis=0)                 # (3, B, d): U[u], V[p], V[n], all at once
    else:  # take writes straight into steps when told what to do with bad indices (there are none)
        table.take(rows, axis=0, out=steps, mode="clip")
    u, vp, vn = steps                                    # views, overwritten below
    diff = vp - vn
    x = np.einsum("bd,bd->b", u, diff, out=x)           # x_b = U[u].V[p] - U[u].V[n]
    squares = np.vdot(steps, steps)
    # d/dx [-log sigmoid(x)] = -sigmoid(-x) = (tanh(x / 2) - 1) / 2: bounded, no exp to overflow
    g = ((np.tanh(x / 2) - 1.0) * (scale / 2))[:, None]  # scale times that, one per pair
    g_u = g * u
    diff *= g
    steps *= scale * reg                                 # (reg / 2) ||row||^2 -> reg row, for all three
    u += diff                                            # d/dU[u] =  g (V[p] - V[n]) + reg U[u]
    vp += g_u                                            # d/dV[p] =  g U[u] + reg V[p]
    vn -= g_u                                            # d/dV[n] = -g U[u] + reg V[n]
    return x, squares, steps


def _bpr_terms(table, rows, reg):
    """(loss_sum, grads) of one batch, rows as for _bpr_steps: the summed BPR loss (with its reg
    term) and the gradients (3, B, d) of each pair's own loss."""
    x, squares, grads = _bpr_steps(table, rows, reg, 1.0)
    return float(np.sum(_softplus(-x)) + reg / 2 * squares), grads


class _FlatRows:
    """A table (n, d) seen as one flat array, so that np.add.at adds rows into it with one index
    per entry: on the 2-D table it is ten times slower. When d is even, two neighbouring entries
    are taken as one complex number (adding complex numbers adds both parts): half as many
    indices, and np.add.at, which pays per index, a third faster."""

    _PAIRED = {np.dtype(np.float64): np.complex128, np.dtype(np.float32): np.complex64}

    def __init__(self, table):
        paired = self._PAIRED.get(table.dtype) if table.shape[1] % 2 == 0 else None
        self.flat = (table if paired is None else table.view(paired)).reshape(-1)
        self.of_row = np.arange(self.flat.size).reshape(len(table), -1)  # the flat indices of each row

    def add(self, rows, values):
        """table[rows[...]] += values[...] for every index, in place, repeated rows accumulating
        (table[rows] += values would keep only one of them); values has the shape rows.shape + (d,)."""
        flat_values = values.reshape(-1).view(self.flat.dtype)
        np.add.at(self.flat, self.of_row.take(rows, axis=0).reshape(-1), flat_values)


def _scatter_add(table, rows, values):
    """table[rows[...]] += values[...], as _FlatRows(table).add(rows, values)."""
    _FlatRows(table).add(rows, values)


def bpr_loss_and_grads(U, V, users, pos, neg, reg=0.0):
    U, V = _check_tables(U, V)
    users = _check_ids(users, U.shape[0], "users")
    pos = _check_ids(pos, V.shape[0], "pos")
    neg = _check_ids(neg, V.shape[0], "neg")
    if users.size == 0 or pos.shape != users.shape or neg.shape != users.shape:
        raise ValueError(f"users, pos and neg must be 1-D of one length B >= 1, "
                         f"got shapes {users.shape}, {pos.shape} and {neg.shape}")
    reg = _check_number(reg, "reg", 0.0, strict=False)
    B, n_users = len(users), U.shape[0]
    table = np.concatenate([U, V])                       # the user rows, then the item rows
    rows = np.stack([users, pos + n_users, neg + n_users])
    loss_sum, grads = _bpr_terms(table, rows, reg)
    d_table = np.zeros(table.shape)
    _scatter_add(d_table, rows, grads / B)               # the loss is a mean over the batch
    return loss_sum / B, d_table[:n_users], d_table[n_users:]


# ---------------------------------------------------------------- negatives

class _Negatives:
    """Draws, for a user u, an item uniformly among the items u has no pair with, exactly and
    without rejection: with u's distinct items sorted, s_0 < s_1 < ..., the r-th free item
    (0-based) is r + #{j : s_j - j <= r}, since s_j - j counts the free items below s_j. When
    users x items is small (up to _LISTED_CELLS), the free items are listed instead and the r-th
    is read off: the same item for the same r, so the draws do not depend on the way."""

    def __init__(self, users, items, n_items):
        keys = _distinct(users * n_items + items)        # distinct pairs, by user then item
        key_users = keys // n_items
        counts = np.bincount(key_users, minlength=int(users.max()) + 1 if users.size else 0)
        self.starts = np.cumsum(counts) - counts
        self.free = n_items - counts
        if users.size and (self.free[users] == 0).any():
            full = users[self.free[users] == 0][0]
            raise ValueError(f"user {full} has a pair with every one of the {n_items} items: no negative to draw")
        self.n_items = n_items
        if len(counts) * n_items <= _LISTED_CELLS:
            # A small grid of users x items: every user's free items listed once, user by user,
            # and the r-th free item of u read at the start of u's list plus r. On the demo's
            # import graph a draw takes a third of the count's time, and training 10% less.
            has = np.zeros((len(counts), n_items), dtype=bool)
            has.reshape(-1)[keys] = True
            self.listed = np.broadcast_to(np.arange(n_items), has.shape)[~has]
            self.listed_starts = np.cumsum(self.free) - self.free
            return
        self.listed = None
        rank = np.arange(len(keys)) - self.starts[key_users]  # j, the place of s_j among u's items
        self.adjusted = keys - rank                      # u * n_items + (s_j - j): sorted, as keys are

    def draw(self, users, rng):
        r = rng.integers(0, self.free[users])            # which free item, uniformly
        if self.listed is not None:
            return self.listed[self.listed_starts[users] + r]
        keys = users * self.n_items + r
        # Searched in ascending order, neighbouring keys take nearly the same path through
        # adjusted: searchsorted runs several times faster than on keys in a random order, which
        # more than pays for the sort.
        ascending = np.argsort(keys)
        at = np.empty_like(keys)
        at[ascending] = np.searchsorted(self.adjusted, keys[ascending], side="right")
        return r + at - self.starts[users]


def sample_negatives(train, n_items, seed=0):
    n_items = _check_int(n_items, "n_items", 1)
    users, items = _check_pairs(train, None, n_items, "train")
    return _Negatives(users, items, n_items).draw(users, np.random.default_rng(seed))


def train_bpr(train, n_users, n_items, dim=32, epochs=20, lr=0.05, reg=1e-4, batch_size=256, seed=0):
    n_users = _check_int(n_users, "n_users", 1)
    n_items = _check_int(n_items, "n_items", 1)
    dim = _check_int(dim, "dim", 1)
    epochs = _check_int(epochs, "epochs", 1)
    batch_size = _check_int(batch_size, "batch_size", 1)
    lr = _check_number(lr, "lr", 0.0, strict=True)
    reg = _check_number(reg, "reg", 0.0, strict=False)
    users, items = _check_pairs(train, n_users, n_items, "train")
    if users.size == 0:
        raise ValueError("train holds no pair to learn from")
    negatives = _Negatives(users, items, n_items)

    rng = np.random.default_rng(seed)
    # U and V are two views of one table, so that a step is one scatter: rows 0..n_users-1 hold
    # the users, the next n_items rows the items. The start is normal(0, _INIT_SCALE) draws, U's
    # first, as float64; the training runs in float32, as the implicit library's BPR and most
    # trainers do: a step moves an entry by lr * g ~ 1e-3, far above float32's rounding (6e-8 of
    # the entry), and half the bytes make every step faster. U, V and losses come back float64.
    table = (rng.standard_normal((n_users + n_items, dim)) * _INIT_SCALE).astype(np.float32)
    U, V = table[:n_users], table[n_users:]
    flat = _FlatRows(table)                              # the steps' scatter, its indices found once
    item_rows = items + n_users
    n, losses = len(users), np.empty(epochs)
    x = np.empty(n, dtype=np.float32)                    # the epoch's score differences
    # Every batch's steps go into one array: a new (3, B, d) one per batch is big enough for
    # malloc to map fresh pages each time, and the page faults can cost more than the arithmetic.
    work = np.empty(3 * min(batch_size, n) * dim, dtype=np.float32)
    for epoch in range(epochs):
        order = rng.permutation(n)
        epoch_users = users[order]
        epoch_neg = negatives.draw(epoch_users, rng)    # a fresh negative for every pair, every epoch
        rows = np.stack([epoch_users, item_rows[order], epoch_neg + n_users])  # (3, n) rows of table
        squares = 0.0
        for start in range(0, n, batch_size):
            batch = rows[:, start:start + batch_size]
            b = batch.shape[1]
            # lr is a step per pair, as in Rendle et al.'s SGD: the batch moves by the SUM of its
            # pairs' gradients (B times the gradient of the mean that bpr_loss_and_grads returns)
            _, batch_squares, steps = _bpr_steps(table, batch, reg, -lr, x[start:start + b],
                                                 work[:3 * b * dim].reshape(3, b, dim))
            squares += float(batch_squares)
            flat.add(batch, steps)
        # the mean loss of the epoch's pairs, each from its batch's rows before their step: the
        # log-sigmoid terms once for the whole epoch, from x
        losses[epoch] = (np.sum(_softplus(-x), dtype=np.float64) + reg / 2 * squares) / n
    return U.astype(np.float64), V.astype(np.float64), losses


# ---------------------------------------------------------------- ranking

def _top_k(scores, k):
    """The k best columns of each row, best first, ties to the lower column: (rows, k) ids."""
    # The k-th best score t of each row (np.partition, O(n_items)); everything above t is in, and
    # of the items scoring exactly t the lowest ids take the places left (argpartition alone
    # would pick among them arbitrarily).
    t = -np.partition(-scores, k - 1, axis=1)[:, k - 1:k]
    above, tied = scores > t, scores == t
    room = k - above.sum(axis=1, keepdims=True)
    chosen = above | (tied & (np.cumsum(tied, axis=1) <= room))
    ids = np.nonzero(chosen)[1].reshape(len(scores), k)  # exactly k per row, ascending
    # a stable sort by score keeps equal scores in that ascending order: the lower id first
    best_first = np.argsort(-np.take_along_axis(scores, ids, axis=1), axis=1, kind="stable")
    return np.take_along_axis(ids, best_first, axis=1)


def recommend(U, V, users, k, exclude=None):
    U, V = _check_tables(U, V)
    users = _check_ids(users, U.shape[0], "users")
    k = _check_int(k, "k", 1)
    n_items = V.shape[0]
    # Rows asking for the same user get the same answer: score each distinct user once.
    distinct, row_of = np.unique(users, return_inverse=True)
    scores = U[distinct] @ V.T                           # predicted preferences U[u].V[i]
    if exclude is not None:
        ex_users, ex_items = _check_pairs(exclude, U.shape[0], n_items, "exclude")
        place = np.full(U.shape[0], -1)
        place[distinct] = np.arange(len(distinct))       # user -> its row of scores, -1 if not asked
        asked = place[ex_users] >= 0
        scores[place[ex_users[asked]], ex_items[asked]] = -np.inf  # never recommended
    remaining = np.sum(scores > -np.inf, axis=1)
    if len(distinct) and remaining.min() < k:
        row = int(np.argmin(remaining))
        raise ValueError(f"user {distinct[row]} has {remaining[row]} items left to recommend, "
                         f"fewer than k = {k}")
    if len(distinct) == 0:
        return np.zeros((0, k), dtype=np.int64)
    return _top_k(scores, k)[row_of.reshape(-1)]


# ---------------------------------------------------------------- metrics

def _held_out_ranks(recommended, test):
    """For each test pair, the 0-based place of its item in its user's row (k when absent),
    rows in the order of np.unique(test[:, 0])."""
    recommended = np.asarray(recommended)
    if recommended.size == 0 and recommended.ndim == 2 and recommended.shape[0]:
        raise ValueError(f"recommended must hold k >= 1 items per row, got shape {recommended.shape}")
    if recommended.ndim != 2 or recommended.dtype == bool or recommended.dtype.kind not in "iu":
        raise ValueError(f"recommended must be a 2-D array of item ids, got shape {recommended.shape} "
                         f"and dtype {recommended.dtype}")
    users, items = _check_pairs(test, None, None, "test")
    if users.size == 0:
        raise ValueError("test holds no pair to score")
    rows, row_of = np.unique(users, return_inverse=True)
    if len(rows) != recommended.shape[0]:
        raise ValueError(f"recommended must have one row per user of test ({len(rows)}, in the order of "
                         f"np.unique(test[:, 0])), got {recommended.shape[0]}")
    found = recommended[row_of] == items[:, None]        # (n_test, k)
    k = recommended.shape[1]
    return np.where(found.any(axis=1), np.argmax(found, axis=1), k), k, len(rows)


def hit_rate(recommended, test):
    ranks, k, _ = _held_out_ranks(recommended, test)
    return float(np.mean(ranks < k))                     # a row that holds the item counts once


def ndcg_at_k(recommended, test):
    ranks, k, n_users = _held_out_ranks(recommended, test)
    if len(ranks) != n_users:
        raise ValueError("ndcg_at_k needs exactly one held-out item per user of test, got "
                         f"{len(ranks)} pairs for {n_users} users")
    gains = np.zeros(len(ranks))
    hit = ranks < k
    gains[hit] = 1.0 / np.log2(ranks[hit] + 2.0)
    return float(np.mean(gains))
