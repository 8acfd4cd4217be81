"""Variants of kata 10 that the hidden suite must judge right: WRONG, SLOW and CORRECT.

Each is appended to solutions/recommender.py, so its definitions replace the reference's. What
each group holds and must do is written once, in tests/self/conftest.py (load_variants).
"""

WRONG = {
    "split_keeps_duplicates": (
        "leave_one_out holds out one of a user's rows without dropping repeated pairs first",
        """
def leave_one_out(pairs, n_users, seed=0):
    pairs = np.asarray(pairs)
    users, items = pairs[:, 0], pairs[:, 1]
    order = np.lexsort((items, users))
    users, items = users[order], items[order]
    counts = np.bincount(users, minlength=n_users)
    starts = np.cumsum(counts) - counts
    chosen = np.flatnonzero(counts >= 2)
    held_out = starts[chosen] + np.random.default_rng(seed).integers(0, counts[chosen])
    in_test = np.zeros(len(users), dtype=bool)
    in_test[held_out] = True
    split = np.column_stack([users, items])
    return split[~in_test], split[in_test]
""",
        ("test_leave_one_out_drops_duplicates",)),
    "split_empties_single_item_users": (
        "leave_one_out holds out an item of every user, so a user with one item has none left in train",
        """
def leave_one_out(pairs, n_users, seed=0):
    users, items = _check_pairs(pairs, n_users, None, "pairs")
    base = int(items.max()) + 1
    keys = _distinct(users * base + items)
    users, items = keys // base, keys % base
    counts = np.bincount(users, minlength=n_users)
    starts = np.cumsum(counts) - counts
    chosen = np.flatnonzero(counts >= 1)
    held_out = starts[chosen] + np.random.default_rng(seed).integers(0, counts[chosen])
    in_test = np.zeros(len(keys), dtype=bool)
    in_test[held_out] = True
    split = np.column_stack([users, items])
    return split[~in_test], split[in_test]
""",
        ("test_leave_one_out_keeps_single_item_users_in_train", "test_leave_one_out_holds_out_one_item_per_user")),
    "split_never_holds_out_the_last_item": (
        "leave_one_out draws the held-out place with rng.integers(0, count - 1): never a user's last item",
        """
def leave_one_out(pairs, n_users, seed=0):
    users, items = _check_pairs(pairs, n_users, None, "pairs")
    base = int(items.max()) + 1
    keys = _distinct(users * base + items)
    users, items = keys // base, keys % base
    counts = np.bincount(users, minlength=n_users)
    starts = np.cumsum(counts) - counts
    chosen = np.flatnonzero(counts >= 2)
    held_out = starts[chosen] + np.random.default_rng(seed).integers(0, counts[chosen] - 1)
    in_test = np.zeros(len(keys), dtype=bool)
    in_test[held_out] = True
    split = np.column_stack([users, items])
    return split[~in_test], split[in_test]
""",
        ("test_leave_one_out_holds_out_a_uniform_choice",)),
    "gradients_lose_repeated_ids": (
        "the gradients are scattered with table[rows] += values, which keeps one of each repeated id",
        """
def _scatter_add(table, rows, values):
    table[rows] += values
""",
        ("test_bpr_repeated_ids_accumulate", "test_bpr_grad_U_matches_finite_differences",
         "test_bpr_regularization_is_a_mean")),
    "log_sigmoid_overflows": (
        "-log(sigmoid(x)) computed as -np.log(1 / (1 + np.exp(-x))): exp overflows and log(0) is -inf",
        """
def _bpr_terms(table, rows, reg):
    u, vp, vn = table[rows]
    diff = vp - vn
    x = np.sum(u * diff, axis=1)
    sig = 1.0 / (1.0 + np.exp(-x))
    loss_sum = float(np.sum(-np.log(sig)) + reg / 2 * (np.sum(u * u) + np.sum(vp * vp) + np.sum(vn * vn)))
    g = (sig - 1.0)[:, None]
    return loss_sum, np.stack([g * diff + reg * u, g * u + reg * vp, reg * vn - g * u])
""",
        ("test_bpr_is_stable_for_huge_scores",)),
    "regularization_summed_over_the_batch": (
        "bpr_loss_and_grads adds reg / 2 times the SUM of the squared norms, and reg * row to each gradient",
        """
def bpr_loss_and_grads(U, V, users, pos, neg, reg=0.0):
    U, V = _check_tables(U, V)
    users = _check_ids(users, U.shape[0], "users")
    pos = _check_ids(pos, V.shape[0], "pos")
    neg = _check_ids(neg, V.shape[0], "neg")
    B = len(users)
    rows = np.stack([users, pos + len(U), neg + len(U)])
    loss_sum, (grad_u, grad_p, grad_n) = _bpr_terms(np.concatenate([U, V]), rows, 0.0)
    u, vp, vn = U[users], V[pos], V[neg]
    loss = loss_sum / B + reg / 2 * float(np.sum(u * u) + np.sum(vp * vp) + np.sum(vn * vn))
    dU, dV = np.zeros(U.shape), np.zeros(V.shape)
    np.add.at(dU, users, grad_u / B + reg * u)
    np.add.at(dV, np.concatenate([pos, neg]), np.concatenate([grad_p / B + reg * vp, grad_n / B + reg * vn]))
    return loss, dU, dV
""",
        ("test_bpr_loss_matches_the_formula", "test_bpr_regularization_is_a_mean")),
    "sigmoid_of_the_wrong_sign": (
        "the derivative of -log sigmoid(x) taken as -sigmoid(x) instead of -sigmoid(-x)",
        """
def _bpr_terms(table, rows, reg):
    u, vp, vn = table[rows]
    diff = vp - vn
    x = np.einsum("bd,bd->b", u, diff)
    loss_sum = float(np.sum(np.logaddexp(0.0, -x)) + reg / 2 * (np.sum(u * u) + np.sum(vp * vp) + np.sum(vn * vn)))
    g = -np.exp(-np.logaddexp(0.0, -x))[:, None]
    return loss_sum, np.stack([g * diff + reg * u, g * u + reg * vp, reg * vn - g * u])
""",
        ("test_bpr_grad_U_matches_finite_differences", "test_bpr_grad_V_matches_finite_differences")),
    "negatives_among_own_items": (
        "negatives drawn uniformly among all items, the user's own ones included",
        """
def sample_negatives(train, n_items, seed=0):
    n_items = _check_int(n_items, "n_items", 1)
    users, items = _check_pairs(train, None, n_items, "train")
    return np.random.default_rng(seed).integers(0, n_items, size=len(users))
""",
        ("test_sample_negatives_avoid_training_items", "test_sample_negatives_are_uniform")),
    "negatives_moved_to_the_next_free_item": (
        "a draw that hits one of the user's items moves on to the next item the user does not have",
        """
def sample_negatives(train, n_items, seed=0):
    n_items = _check_int(n_items, "n_items", 1)
    users, items = _check_pairs(train, None, n_items, "train")
    has = np.zeros((users.max() + 1, n_items), dtype=bool)
    has[users, items] = True
    if has[users].all(axis=1).any():
        raise ValueError("a user has every item: no negative to draw")
    neg = np.random.default_rng(seed).integers(0, n_items, size=len(users))
    taken = has[users, neg]
    while taken.any():
        neg[taken] = (neg[taken] + 1) % n_items
        taken = has[users, neg]
    return neg
""",
        ("test_sample_negatives_are_uniform",)),
    "steps_by_the_mean_gradient": (
        "train_bpr steps by lr times the gradient of the batch MEAN, B times smaller than per-pair SGD",
        """
def train_bpr(train, n_users, n_items, dim=32, epochs=20, lr=0.05, reg=1e-4, batch_size=256, seed=0):
    users, items = _check_pairs(train, n_users, n_items, "train")
    negatives = _Negatives(users, items, n_items)
    rng = np.random.default_rng(seed)
    U = rng.normal(0.0, 0.1, size=(n_users, dim))
    V = rng.normal(0.0, 0.1, size=(n_items, dim))
    n, losses = len(users), []
    for _ in range(epochs):
        order = rng.permutation(n)
        eu, ep = users[order], items[order]
        en = negatives.draw(eu, rng)
        total = 0.0
        for start in range(0, n, batch_size):
            u, p, q = eu[start:start + batch_size], ep[start:start + batch_size], en[start:start + batch_size]
            loss_sum, (gu, gp, gn) = _bpr_terms(np.concatenate([U, V]), np.stack([u, p + n_users, q + n_users]), reg)
            total += loss_sum
            B = len(u)
            np.add.at(U, u, -lr * gu / B)
            np.add.at(V, np.concatenate([p, q]), -lr * np.concatenate([gp, gn]) / B)
        losses.append(total / n)
    return U, V, np.array(losses)
""",
        ("test_train_bpr_lowers_the_loss", "test_train_bpr_beats_popularity")),
    "starts_from_standard_normal_vectors": (
        "train_bpr starts U and V as rng.normal(0, 1): scores of several units from the first step on",
        """
_INIT_SCALE = 1.0
""",
        ("test_train_bpr_first_loss_is_log_2",)),
    "ties_to_the_higher_id": (
        "recommend takes np.argsort(scores)[:, ::-1]: best first, but equal scores end up higher id first",
        """
def _top_k(scores, k):
    return np.argsort(scores, axis=1, kind="stable")[:, ::-1][:, :k]
""",
        ("test_recommend_ties_go_to_the_lower_item_id", "test_recommend_matches_a_full_sort")),
    "ties_left_to_argpartition": (
        "recommend keeps the k items np.argpartition picks, then sorts them by score: ties at the k-th "
        "place are picked arbitrarily",
        """
def _top_k(scores, k):
    top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    top = np.sort(top, axis=1)
    order = np.argsort(-np.take_along_axis(scores, top, axis=1), axis=1, kind="stable")
    return np.take_along_axis(top, order, axis=1)
""",
        ("test_recommend_ties_go_to_the_lower_item_id",)),
    "exclusions_ignored": (
        "recommend ranks every item, the excluded ones too",
        """
_reference_recommend = recommend


def recommend(U, V, users, k, exclude=None):
    return _reference_recommend(U, V, users, k)
""",
        ("test_recommend_leaves_out_excluded_items", "test_recommend_matches_a_full_sort")),
    "exclusions_by_row_number": (
        "recommend takes an excluded pair's user id for a row number of the score matrix",
        """
def recommend(U, V, users, k, exclude=None):
    U, V = _check_tables(U, V)
    users = _check_ids(users, U.shape[0], "users")
    scores = U[users] @ V.T
    if exclude is not None:
        exclude = np.asarray(exclude)
        scores[exclude[:, 0], exclude[:, 1]] = -np.inf
    return _top_k(scores, k)
""",
        ("test_recommend_leaves_out_excluded_items", "test_recommend_matches_a_full_sort")),
    "too_few_items_not_checked": (
        "recommend fills a row with excluded items when fewer than k are left, instead of a ValueError",
        """
def recommend(U, V, users, k, exclude=None):
    U, V = _check_tables(U, V)
    users = _check_ids(users, U.shape[0], "users")
    k = _check_int(k, "k", 1)
    if k > V.shape[0]:
        raise ValueError("k is larger than the number of items")
    scores = U[users] @ V.T
    if exclude is not None:
        ex_users, ex_items = _check_pairs(exclude, U.shape[0], V.shape[0], "exclude")
        rows, cols = np.nonzero(users[:, None] == ex_users[None, :])
        scores[rows, ex_items[cols]] = -np.inf
    return _top_k(scores, k)
""",
        ("test_recommend_rejects_bad_input",)),
    "hit_rate_rows_in_the_order_of_test": (
        "hit_rate takes row b of recommended for the b-th pair of test, not for its user",
        """
def hit_rate(recommended, test):
    recommended, test = np.asarray(recommended), np.asarray(test)
    return float(np.mean([item in row for row, item in zip(recommended, test[:, 1])]))
""",
        ("test_hit_rate_hand_case",)),
    "ndcg_rank_counted_from_one": (
        "ndcg_at_k gains 1 / log2(rank + 2) with rank counted from 1: the first place gains 1 / log2(3)",
        """
def ndcg_at_k(recommended, test):
    ranks, k, n_users = _held_out_ranks(recommended, test)
    gains = np.where(ranks < k, 1.0 / np.log2(ranks + 3.0), 0.0)
    return float(np.mean(gains))
""",
        ("test_ndcg_hand_case",)),
}

SLOW = {
    "negatives_by_rejection_pair_by_pair": (
        "sample_negatives draws again, pair by pair, until a draw misses the user's set of items",
        """
def sample_negatives(train, n_items, seed=0):
    n_items = _check_int(n_items, "n_items", 1)
    users, items = _check_pairs(train, None, n_items, "train")
    _Negatives(users, items, n_items)  # validation: a user with every item
    rng = np.random.default_rng(seed)
    seen = {}
    for u, i in zip(users.tolist(), items.tolist()):
        seen.setdefault(u, set()).add(i)
    out = []
    for u in users.tolist():
        while True:
            j = int(rng.integers(n_items))
            if j not in seen[u]:
                break
        out.append(j)
    return np.array(out, dtype=np.int64)
"""),
    "sgd_pair_by_pair": (
        "train_bpr runs Rendle et al.'s SGD one pair at a time (the negatives still drawn at once)",
        """
def train_bpr(train, n_users, n_items, dim=32, epochs=20, lr=0.05, reg=1e-4, batch_size=256, seed=0):
    users, items = _check_pairs(train, n_users, n_items, "train")
    if users.size == 0:
        raise ValueError("train holds no pair to learn from")
    lr = _check_number(lr, "lr", 0.0, strict=True)
    batch_size = _check_int(batch_size, "batch_size", 1)
    negatives = _Negatives(users, items, n_items)
    rng = np.random.default_rng(seed)
    U = rng.normal(0.0, 0.1, size=(n_users, dim))
    V = rng.normal(0.0, 0.1, size=(n_items, dim))
    losses = []
    for _ in range(epochs):
        order = rng.permutation(len(users))
        negs = negatives.draw(users[order], rng)
        total = 0.0
        for u, i, j in zip(users[order].tolist(), items[order].tolist(), negs.tolist()):
            diff = V[i] - V[j]
            x = float(U[u] @ diff)
            total += np.logaddexp(0.0, -x) + reg / 2 * (U[u] @ U[u] + V[i] @ V[i] + V[j] @ V[j])
            g = -np.exp(-np.logaddexp(0.0, x))
            gu = g * diff + reg * U[u]
            gi = g * U[u] + reg * V[i]
            gj = reg * V[j] - g * U[u]
            U[u] -= lr * gu
            V[i] -= lr * gi
            V[j] -= lr * gj
        losses.append(total / len(users))
    return U, V, np.array(losses)
"""),
}

CORRECT = {
    "full_sort_and_loops": (
        "recommend by a full stable argsort of a masked score matrix; hit_rate and ndcg_at_k user by user "
        "with dicts; leave_one_out with np.unique(axis=0) and the pair of smallest random key per user",
        """
import math


def leave_one_out(pairs, n_users, seed=0):
    n_users = _check_int(n_users, "n_users", 1)
    users, items = _check_pairs(pairs, n_users, None, "pairs")
    distinct = np.unique(np.column_stack([users, items]), axis=0).reshape(-1, 2)
    rng = np.random.default_rng(seed)
    keys = rng.random(len(distinct))
    order = np.lexsort((keys, distinct[:, 0]))           # by user, then random key
    first = np.ones(len(order), dtype=bool)
    first[1:] = distinct[order[1:], 0] != distinct[order[:-1], 0]
    counts = np.bincount(distinct[:, 0], minlength=n_users)
    in_test = np.zeros(len(distinct), dtype=bool)
    picked = order[first]
    in_test[picked[counts[distinct[picked, 0]] >= 2]] = True
    return distinct[~in_test], distinct[in_test]


def recommend(U, V, users, k, exclude=None):
    U, V = _check_tables(U, V)
    users = _check_ids(users, U.shape[0], "users")
    k = _check_int(k, "k", 1)
    mask = np.zeros((len(users), V.shape[0]), dtype=bool)
    if exclude is not None:
        ex_users, ex_items = _check_pairs(exclude, U.shape[0], V.shape[0], "exclude")
        for row, user in enumerate(users.tolist()):
            mask[row, ex_items[ex_users == user]] = True
    left = V.shape[0] - mask.sum(axis=1)
    if len(users) and left.min() < k:
        raise ValueError(f"fewer than k = {k} items left for a user")
    scores = np.where(mask, -np.inf, U[users] @ V.T)
    return np.argsort(-scores, axis=1, kind="stable")[:, :k].astype(np.int64)


def _rows_by_user(recommended, test):
    recommended = np.asarray(recommended)
    test = np.asarray(test)
    if recommended.ndim != 2 or recommended.shape[1] < 1 or recommended.dtype.kind not in "iu":
        raise ValueError("recommended must be a 2-D array of k >= 1 item ids per row")
    if test.ndim != 2 or test.shape[1] != 2 or len(test) == 0 or test.dtype.kind not in "iu":
        raise ValueError("test must be a non-empty (t, 2) array of integer pairs")
    users = sorted(set(test[:, 0].tolist()))
    if len(users) != len(recommended):
        raise ValueError("recommended needs one row per distinct user of test")
    return {u: list(row) for u, row in zip(users, recommended.tolist())}, test.tolist()


def hit_rate(recommended, test):
    rows, pairs = _rows_by_user(recommended, test)
    return sum(item in rows[user] for user, item in pairs) / len(pairs)


def ndcg_at_k(recommended, test):
    rows, pairs = _rows_by_user(recommended, test)
    if len(pairs) != len(rows):
        raise ValueError("one held-out item per user")
    total = 0.0
    for user, item in pairs:
        if item in rows[user]:
            total += 1.0 / math.log2(rows[user].index(item) + 2)
    return total / len(pairs)
"""),
    "one_hot_grads_and_rejection_rounds": (
        "bpr_loss_and_grads by one-hot matrix products, -log sigmoid(x) as max(-x, 0) + log1p(exp(-|x|)) "
        "and sigmoid by tanh; negatives by rounds of vectorized redraws against a has-matrix",
        """
def bpr_loss_and_grads(U, V, users, pos, neg, reg=0.0):
    U, V = _check_tables(U, V)
    users = _check_ids(users, U.shape[0], "users")
    pos = _check_ids(pos, V.shape[0], "pos")
    neg = _check_ids(neg, V.shape[0], "neg")
    if users.size == 0 or pos.shape != users.shape or neg.shape != users.shape:
        raise ValueError("users, pos and neg must be 1-D of one length B >= 1")
    if not reg >= 0:
        raise ValueError("reg must be >= 0")
    B = len(users)
    one_u = np.eye(U.shape[0])[users]                    # (B, n_users)
    one_d = np.eye(V.shape[0])[pos] - np.eye(V.shape[0])[neg]   # (B, n_items): +1 at pos, -1 at neg
    u, d = one_u @ U, one_d @ V
    x = np.sum(u * d, axis=1)
    loss = np.mean(np.maximum(-x, 0.0) + np.log1p(np.exp(-np.abs(x))))
    vp, vn = V[pos], V[neg]
    loss += reg / 2 * np.mean(np.sum(u * u, 1) + np.sum(vp * vp, 1) + np.sum(vn * vn, 1))
    g = (0.5 * (1.0 + np.tanh(x / 2)) - 1.0) / B          # sigmoid(x) - 1 = -sigmoid(-x)
    one_p, one_n = np.eye(V.shape[0])[pos], np.eye(V.shape[0])[neg]
    dU = one_u.T @ (g[:, None] * d + reg / B * u)
    dV = one_d.T @ (g[:, None] * u) + reg / B * (one_p.T @ vp + one_n.T @ vn)
    return float(loss), dU, dV


class _Negatives:
    def __init__(self, users, items, n_items):
        self.has = np.zeros((int(users.max()) + 1 if users.size else 0, n_items), dtype=bool)
        self.has[users, items] = True
        if users.size and self.has[users].all(axis=1).any():
            raise ValueError("a user has a pair with every item: no negative to draw")
        self.n_items = n_items

    def draw(self, users, rng):
        neg = rng.integers(0, self.n_items, size=len(users))
        again = np.flatnonzero(self.has[users, neg])
        while again.size:
            neg[again] = rng.integers(0, self.n_items, size=again.size)
            again = again[self.has[users[again], neg[again]]]
        return neg
"""),
    "train_through_the_public_functions": (
        "train_bpr calls sample_negatives once per epoch (with the rng) and bpr_loss_and_grads per batch, "
        "steps U -= lr * B * dU on the whole tables; V drawn before U, as standard_normal * 0.1",
        """
def train_bpr(train, n_users, n_items, dim=32, epochs=20, lr=0.05, reg=1e-4, batch_size=256, seed=0):
    for value, name in ((n_users, "n_users"), (n_items, "n_items"), (dim, "dim"), (epochs, "epochs"),
                        (batch_size, "batch_size")):
        _check_int(value, name, 1)
    if not lr > 0:
        raise ValueError("lr must be > 0")
    train = np.asarray(train)
    users, items = _check_pairs(train, n_users, n_items, "train")
    if len(users) == 0:
        raise ValueError("train is empty")
    rng = np.random.default_rng(seed)
    V = rng.standard_normal((n_items, dim)) * 0.1
    U = rng.standard_normal((n_users, dim)) * 0.1
    losses = np.zeros(epochs)
    for epoch in range(epochs):
        negs = sample_negatives(train, n_items, rng)
        order = rng.permutation(len(users))
        for start in range(0, len(users), batch_size):
            batch = order[start:start + batch_size]
            loss, dU, dV = bpr_loss_and_grads(U, V, users[batch], items[batch], negs[batch], reg)
            losses[epoch] += loss * len(batch)
            U -= lr * len(batch) * dU
            V -= lr * len(batch) * dV
    return U, V, losses / len(users)
"""),
}
