"""Hidden suite of kata 10, recommender.

Expected values come from small hand-derived cases, from plain formulas written here (loops
over pairs, users and items), from finite differences of a plain loss, from counts over many
draws (a uniform choice), and from properties of training on data planted here (the loss goes
down, a seed fixes the result, BPR beats the popularity baseline). The reference solutions are
never used.
"""

import numpy as np
import pytest

from grading import show
from grading.checks import as_array, as_float, as_ints, close, equal, expect, finite, fixed, numerical_gradient, unchanged

KATA = "recommender"
LOG2 = float(np.log(2.0))


def rng(seed):
    return np.random.default_rng(seed)


def _no_warning(called, why):
    """The call printed no warning (numpy's RuntimeWarnings land in the captured output)."""
    lines = [line.strip() for line in called.output.splitlines() if "Warning" in line]
    if lines:
        expect(False, called, f"printed {lines[0][-120:]!r}", "no warning", why)


def _pairs(called, index, label):
    """Part `index` of the result as an int64 (m, 2) array of pairs."""
    part = called.part(index, label)
    got = as_ints(part)
    expect(got.ndim == 2 and got.shape[1] == 2 or got.size == 0, part, f"{label} has shape {got.shape}",
           "shape (m, 2)", "one (user, item) pair per row")
    return part, got.reshape(-1, 2)


def _losses(losses):
    """`losses 0.694, 0.689, ..., 0.207`: the first two and the last, for a message."""
    shown = [show.number(x) for x in losses]
    return "losses " + ", ".join(shown if len(shown) <= 4 else shown[:2] + ["...", shown[-1]])


def _as_set(pairs):
    return {(int(u), int(i)) for u, i in np.asarray(pairs).reshape(-1, 2)}


def _show(pairs, n=4):
    pairs = sorted(pairs)
    return "{" + ", ".join(map(str, pairs[:n])) + (", ..." if len(pairs) > n else "") + "}"


# ---------------------------------------------------------------- leave_one_out

def _split(called):
    """(train part, train, test part, test) of a leave_one_out result."""
    train_part, train = _pairs(called, 0, "train")
    test_part, test = _pairs(called, 1, "test")
    return train_part, train, test_part, test


def _check_split(called, pairs, why_duplicates="duplicates are dropped before the split"):
    """The split is exact: test has one pair for each user with 2 distinct items or more, train
    the rest, each distinct pair in exactly one of them."""
    train_part, train, test_part, test = _split(called)
    distinct = _as_set(pairs)
    expect(len(_as_set(train)) == len(train), train_part, f"train holds {len(train)} rows but "
           f"{len(_as_set(train))} distinct pairs", "no pair twice", why_duplicates)
    both = _as_set(train) & _as_set(test)
    expect(not both, test_part, f"{_show(both)} in train and in test", "each pair in one of them",
           "a held-out pair leaves train")
    union = _as_set(train) | _as_set(test)
    missing, extra = distinct - union, union - distinct
    got = f"train and test miss {_show(missing)}" if missing else f"train or test holds {_show(extra)}"
    expect(union == distinct, train_part, f"{got}, not in pairs" if not missing else got,
           f"the {len(distinct)} distinct pairs", "train + test = every distinct pair of the input, once")
    items_of, held = {}, {}
    for u, _ in distinct:
        items_of[u] = items_of.get(u, 0) + 1
    for u in test[:, 0].tolist():
        held[u] = held.get(u, 0) + 1
    for u in sorted(set(items_of) | set(held)):
        wanted = 1 if items_of.get(u, 0) >= 2 else 0
        expect(held.get(u, 0) == wanted, test_part, f"test holds {held.get(u, 0)} of user {u}'s pairs "
               f"({items_of.get(u, 0)} distinct)", f"{wanted}", "every user with 2 distinct "
               "items or more holds out exactly one; a single item stays in train")
    return train, test


def test_leave_one_out_holds_out_one_item_per_user(kata):
    """leave_one_out moves one item of every user with two or more to test"""
    r = rng(1)
    # 30 users with 0 to 6 items among 12 (user 7 has none), some pairs twice
    pairs = np.array([(u, i) for u in range(30) if u != 7
                      for i in r.choice(12, size=r.integers(1, 7), replace=False)])
    pairs = np.concatenate([pairs, pairs[::5]])[r.permutation(len(pairs) + len(pairs[::5]))]
    called = kata.leave_one_out(pairs, 30, seed=0)
    _check_split(called, pairs)


def test_leave_one_out_drops_duplicates(kata):
    """leave_one_out drops repeated pairs before choosing what to hold out"""
    # users 0 and 1 each have one distinct item (seen 3 and 2 times); user 2 has items 0 and 3
    pairs = np.array([[0, 1], [2, 0], [0, 1], [1, 2], [2, 0], [0, 1], [1, 2], [2, 3]])
    called = kata.leave_one_out(pairs, 3, seed=0)
    train, test = _check_split(called, pairs, "drop repeated pairs first: a pair seen twice is one "
                               "interaction")
    expect(len(test) == 1 and int(test[0, 0]) == 2, called.part(1, "test"), f"test {test.tolist()}",
           "one pair of user 2", "users 0 and 1 have one distinct item each, however often it repeats")


def test_leave_one_out_keeps_single_item_users_in_train(kata):
    """a user with a single item keeps it in train"""
    pairs = np.array([[3, 5], [0, 2], [0, 4], [1, 7], [4, 0], [4, 1], [4, 2]])
    called = kata.leave_one_out(pairs, 6, seed=2)
    train, test = _check_split(called, pairs)
    for u, i in ((3, 5), (1, 7)):
        expect((u, i) in _as_set(train), called.part(0, "train"), f"train without ({u}, {i})",
               f"({u}, {i}) in train", "a user with one item has nothing to spare: it stays in train")


def test_leave_one_out_holds_out_a_uniform_choice(kata):
    """leave_one_out holds out each of a user's items equally often"""
    r = rng(4)
    # 600 users, each with the items 0, 1 and 2, the pairs in a shuffled order
    pairs = np.array([(u, i) for u in range(600) for i in range(3)])[r.permutation(1800)]
    called = kata.leave_one_out(pairs, 600, seed=5)
    _, test = _check_split(called, pairs)
    counts = np.bincount(test[:, 1], minlength=3)
    # each count is Binomial(600, 1/3): 200 +- 11.5; 150..250 is more than 4 standard deviations
    expect(np.all((counts >= 150) & (counts <= 250)), called.part(1, "test"),
           f"items 0, 1, 2 held out {counts.tolist()} times", "about 200 each",
           "draw the held-out item uniformly among the user's items (rng.integers(0, count))")


@pytest.mark.side
def test_leave_one_out_is_deterministic_for_a_seed(kata):
    """leave_one_out gives the same split for the same seed and another for another seed"""
    pairs = np.array([(u, i) for u in range(50) for i in range(u % 5, u % 5 + 4)])
    first = kata.leave_one_out(pairs, 50, seed=3)
    _, _, _, test1 = _split(first)
    again = kata.leave_one_out(pairs, 50, seed=3)
    part, _, test_part, test2 = _split(again)
    expect(_as_set(test2) == _as_set(test1), test_part, "another test set", "the same as for seed=3",
           "every random draw must come from np.random.default_rng(seed)")
    other = kata.leave_one_out(pairs, 50, seed=4)
    _, _, other_part, test3 = _split(other)
    expect(_as_set(test3) != _as_set(test1), other_part, "the same test set as seed=3", "another one",
           "the seed decides which item each user holds out")


@pytest.mark.validation
@pytest.mark.parametrize("case, why", [
    ("three_columns", "pairs must be (n, 2): one (user, item) per row"),
    ("float_ids", "ids must be integers"),
    ("user_too_large", "users must be < n_users"),
    ("negative_item", "a negative id is an error, not numpy's wrap-around"),
    ("n_users_zero", "n_users must be an integer >= 1"),
])
def test_leave_one_out_rejects_bad_input(kata, case, why):
    """leave_one_out raises a ValueError for bad input"""
    ok = np.array([[0, 1], [0, 2], [1, 0]])
    args = {
        "three_columns": (np.array([[0, 1, 2], [1, 0, 1]]), 2),
        "float_ids": (ok.astype(float), 2),
        "user_too_large": (np.array([[0, 1], [2, 0]]), 2),
        "negative_item": (np.array([[0, 1], [1, -1]]), 2),
        "n_users_zero": (ok, 0),
    }[case]
    with kata.raises(why):
        kata.leave_one_out(*args)


# ---------------------------------------------------------------- bpr_loss_and_grads

def _bpr_loss(U, V, users, pos, neg, reg):
    """The BPR loss, pair by pair: mean -log sigmoid(x) + reg / 2 * mean of the squared norms."""
    total, squares = 0.0, 0.0
    for u, p, n in zip(users, pos, neg):
        x = U[u] @ V[p] - U[u] @ V[n]
        total += np.logaddexp(0.0, -x)
        squares += U[u] @ U[u] + V[p] @ V[p] + V[n] @ V[n]
    return total / len(users) + reg / 2 * squares / len(users)


def _bpr_batch(seed):
    r = rng(seed)
    U, V = r.normal(size=(5, 3)), r.normal(size=(6, 3))
    # users 0 and 3 repeat; item 1 is a positive twice and a negative once; item 2 both
    users = np.array([0, 3, 0, 2, 3, 0])
    pos = np.array([1, 2, 4, 1, 5, 1])
    neg = np.array([2, 4, 5, 2, 2, 3])
    return U, V, users, pos, neg


@pytest.mark.parametrize("reg", [0.0, 0.3])
def test_bpr_loss_matches_the_formula(kata, reg):
    """bpr_loss_and_grads returns the batch-mean BPR loss"""
    U, V, users, pos, neg = _bpr_batch(6)
    called = kata.bpr_loss_and_grads(U, V, users, pos, neg, reg=reg)
    loss = as_float(called.part(0, "loss"))
    close(called.part(0, "loss"), loss, _bpr_loss(U, V, users, pos, neg, reg), "loss = mean of "
          "-log sigmoid(x_b) + reg / 2 * mean of ||U[u_b]||^2 + ||V[p_b]||^2 + ||V[n_b]||^2", rtol=1e-9)


def test_bpr_grad_U_matches_finite_differences(kata):
    """dU is the gradient of the loss, as finite differences measure it"""
    U, V, users, pos, neg = _bpr_batch(7)
    numeric = numerical_gradient(lambda W: _bpr_loss(W, V, users, pos, neg, 0.2), U)
    called = kata.bpr_loss_and_grads(U, V, users, pos, neg, reg=0.2)
    got = as_array(called.part(1, "dU"), U.shape)
    close(called.part(1, "dU"), got, numeric, "row u of dU sums (-sigmoid(-x_b) (V[p_b] - V[n_b]) + "
          "reg U[u]) / B over the pairs of user u", rtol=1e-5, atol=1e-7)


def test_bpr_grad_V_matches_finite_differences(kata):
    """dV is the gradient of the loss, as finite differences measure it"""
    U, V, users, pos, neg = _bpr_batch(8)
    numeric = numerical_gradient(lambda W: _bpr_loss(U, W, users, pos, neg, 0.2), V)
    called = kata.bpr_loss_and_grads(U, V, users, pos, neg, reg=0.2)
    got = as_array(called.part(2, "dV"), V.shape)
    close(called.part(2, "dV"), got, numeric, "a positive row gets -sigmoid(-x) U[u] / B, a negative row "
          "+sigmoid(-x) U[u] / B, each plus reg * its row / B", rtol=1e-5, atol=1e-7)


def test_bpr_repeated_ids_accumulate(kata):
    """bpr_loss_and_grads adds up the gradients of repeated ids"""
    r = rng(9)
    U, V = r.normal(size=(3, 2)), r.normal(size=(4, 2))
    users = np.array([1, 1, 1, 1])
    pos = np.array([0, 0, 2, 3])
    neg = np.array([2, 3, 0, 0])   # item 0: positive twice, negative twice
    called = kata.bpr_loss_and_grads(U, V, users, pos, neg)
    why = "repeated ids must accumulate (dU[users] += g keeps only one of them; use np.add.at)"
    close(called.part(1, "dU"), as_array(called.part(1, "dU"), U.shape),
          numerical_gradient(lambda W: _bpr_loss(W, V, users, pos, neg, 0.0), U), why, rtol=1e-5, atol=1e-7)
    close(called.part(2, "dV"), as_array(called.part(2, "dV"), V.shape),
          numerical_gradient(lambda W: _bpr_loss(U, W, users, pos, neg, 0.0), V), why, rtol=1e-5, atol=1e-7)


def test_bpr_regularization_is_a_mean(kata):
    """the reg term is reg / 2 times the mean of the squared norms over the batch"""
    # V = 0: every x is 0, the loss term is log 2 and sends nothing to U; two pairs of user 0
    # with ||U[0]||^2 = 4: reg / 2 * (4 + 4) / 2 = 0.5 at reg = 0.25, and dU[0] = reg * U[0]
    U, V = np.array([[2.0, 0.0]]), np.zeros((3, 2))
    called = kata.bpr_loss_and_grads(U, V, np.array([0, 0]), np.array([0, 1]), np.array([1, 2]), reg=0.25)
    close(called.part(0, "loss"), as_float(called.part(0, "loss")), LOG2 + 0.5, "log 2 + reg / 2 * the "
          "MEAN over the batch of the squared norms (4 + 4) / 2, not their sum", rtol=1e-9)
    close(called.part(1, "dU"), as_array(called.part(1, "dU"), (1, 2)), [[0.5, 0.0]], "each of the two "
          "pairs adds reg * U[0] / B to dU[0]", rtol=1e-9, atol=1e-12)


def test_bpr_is_stable_for_huge_scores(kata):
    """bpr_loss_and_grads stays finite when |x| is 20,000"""
    U = np.array([[100.0, 0.0], [0.0, 100.0]])
    V = np.array([[100.0, 0.0], [-100.0, 0.0], [0.0, 100.0], [0.0, -100.0]])
    # x = +2e4 (right, loss 0), -2e4 (badly wrong, loss 2e4), -1e4 (loss 1e4)
    users, pos, neg = np.array([0, 1, 0]), np.array([0, 3, 1]), np.array([1, 2, 2])
    called = kata.bpr_loss_and_grads(U, V, users, pos, neg)
    loss = as_float(called.part(0, "loss"))
    dU = as_array(called.part(1, "dU"), (2, 2))
    dV = as_array(called.part(2, "dV"), (4, 2))
    for part, got in ((called.part(0, "loss"), loss), (called.part(1, "dU"), dU), (called.part(2, "dV"), dV)):
        finite(part, got, "-log sigmoid(x) = np.logaddexp(0, -x), and a sigmoid that never computes exp(+large)")
    close(called.part(0, "loss"), loss, 1e4, "-log sigmoid(x) is about -x for very negative x, not inf",
          rtol=1e-9)
    # saturated: -sigmoid(-x) is 0 for the first pair and -1 for the others; everything / B = 3
    why = "-sigmoid(-x) is -1 for very negative x and 0 for very positive x"
    close(called.part(1, "dU"), dU, np.array([[100.0, 100.0], [0.0, 200.0]]) / 3, why, rtol=1e-9, atol=1e-9)
    close(called.part(2, "dV"), dV, np.array([[0.0, 0.0], [-100.0, 0.0], [100.0, 100.0], [0.0, -100.0]]) / 3,
          why, rtol=1e-9, atol=1e-9)
    _no_warning(called, "compute log-sigmoid and sigmoid without overflow (np.logaddexp)")


@pytest.mark.validation
@pytest.mark.parametrize("case, why", [
    ("length_mismatch", "users, pos and neg must have one length B"),
    ("item_out_of_range", "items must be < the number of rows of V"),
    ("negative_user", "a negative id is an error, not numpy's wrap-around"),
    ("float_ids", "ids must be integers"),
    ("columns_differ", "U and V must have the same number of columns"),
    ("negative_reg", "reg must be >= 0"),
])
def test_bpr_rejects_bad_input(kata, case, why):
    """bpr_loss_and_grads raises a ValueError for bad input"""
    U, V = np.ones((3, 2)), np.ones((4, 2))
    u, p, n = np.array([0, 1]), np.array([2, 3]), np.array([1, 0])
    args, kwargs = {
        "length_mismatch": ((U, V, u, p, np.array([1, 0, 2])), {}),
        "item_out_of_range": ((U, V, u, np.array([2, 4]), n), {}),
        "negative_user": ((U, V, np.array([0, -1]), p, n), {}),
        "float_ids": ((U, V, u.astype(float), p, n), {}),
        "columns_differ": ((U, np.ones((4, 3)), u, p, n), {}),
        "negative_reg": ((U, V, u, p, n), {"reg": -0.1}),
    }[case]
    with kata.raises(why):
        kata.bpr_loss_and_grads(*args, **kwargs)


# ---------------------------------------------------------------- sample_negatives

def _negatives(called, n):
    got = as_ints(called, (n,))
    return got


def _has(train, n_users, n_items):
    has = np.zeros((n_users, n_items), dtype=bool)
    has[train[:, 0], train[:, 1]] = True
    return has


def _check_negatives(called, negs, train, has, n_items):
    in_range = (negs >= 0) & (negs < n_items)
    expect(in_range.all(), called, f"entry {int(np.argmin(in_range))} is {negs[np.argmin(in_range)]}",
           f"items in 0..{n_items - 1}", "a negative is an item id")
    own = has[train[:, 0], negs]
    b = int(np.argmax(own))
    expect(not own.any(), called, f"entry {b} is item {negs[b]}, which user {train[b, 0]} has",
           "an item the user has no pair with", "a negative is drawn among the items the user never "
           "interacted with, never among its own")


def test_sample_negatives_avoid_training_items(kata):
    """sample_negatives never draws one of the user's own items"""
    r = rng(10)
    has = r.random((40, 12)) < 0.4
    has[3] = True
    has[3, 7] = False          # user 3 has every item but 7
    has[5] = False
    has[5, 0] = True           # user 5 has item 0 only
    train = np.argwhere(has)
    train = np.concatenate([train, train[::3]])[r.permutation(len(train) + len(train[::3]))]
    called = kata.sample_negatives(train, 12, seed=0)
    negs = _negatives(called, len(train))
    _check_negatives(called, negs, train, has, 12)


def test_sample_negatives_are_uniform(kata):
    """sample_negatives draws every item a user has not seen equally often"""
    # user 0 has items 0, 2, 3 and 7 of 10 (its pairs repeated, 3,000 rows): 6 free items;
    # user 1 has 1, 4, 5, 6, 8 and 9 (1,200 rows): 4 free items
    first = np.column_stack([np.zeros(3000, dtype=int), np.resize([0, 2, 3, 7], 3000)])
    second = np.column_stack([np.ones(1200, dtype=int), np.resize([1, 4, 5, 6, 8, 9], 1200)])
    train = np.concatenate([first, second])[rng(11).permutation(4200)]
    called = kata.sample_negatives(train, 10, seed=1)
    negs = _negatives(called, 4200)
    _check_negatives(called, negs, train, _has(train, 2, 10), 10)
    for user, free, n, low, high in ((0, [1, 4, 5, 6, 8, 9], 3000, 400, 600), (1, [0, 2, 3, 7], 1200, 230, 370)):
        counts = np.bincount(negs[train[:, 0] == user], minlength=10)[free]
        # Binomial counts: 500 +- 20 and 300 +- 16; the bounds are more than 4 standard deviations
        expect(np.all((counts >= low) & (counts <= high)), called, f"user {user}'s free items {free} "
               f"drawn {counts.tolist()} times", f"about {n // len(free)} each", "uniform among the free "
               "items: moving a taken draw to the next free item favours the items just above the taken")


@pytest.mark.side
def test_sample_negatives_is_deterministic_for_a_seed(kata):
    """sample_negatives gives the same draws for the same seed and others for another seed"""
    train = np.array([(u, i) for u in range(20) for i in range(u % 4, 12, 4)])
    first = kata.sample_negatives(train, 12, seed=3)
    negs1 = _negatives(first, len(train))
    again = kata.sample_negatives(train, 12, seed=3)
    equal(again, _negatives(again, len(train)), negs1, "every random draw must come from "
          "np.random.default_rng(seed)")
    other = kata.sample_negatives(train, 12, seed=4)
    expect(not np.array_equal(_negatives(other, len(train)), negs1), other, "the draws of seed=3",
           "other draws", "the seed must decide the draws")


@pytest.mark.validation
@pytest.mark.parametrize("case, why", [
    ("user_has_every_item", "a user with every item has no negative to draw"),
    ("item_too_large", "items must be < n_items"),
    ("one_column", "train must be (n, 2)"),
])
def test_sample_negatives_rejects_bad_input(kata, case, why):
    """sample_negatives raises a ValueError for bad input"""
    args = {
        "user_has_every_item": (np.array([[0, 0], [1, 2], [0, 1], [0, 2]]), 3),
        "item_too_large": (np.array([[0, 0], [1, 3]]), 3),
        "one_column": (np.array([0, 1, 2]), 3),
    }[case]
    with kata.raises(why):
        kata.sample_negatives(*args)


# ---------------------------------------------------------------- train_bpr

@fixed
def _planted(seed, n_users=160, n_items=60, groups=4, per_user=8, p_own=0.9):
    """Users and items with planted tastes: item i belongs to group i % groups, each user to a
    random group, and each user picks per_user distinct items, 90% of the weight on its own
    group; within that, item i is picked with weight 1 / sqrt(1 + i) (low ids are popular)."""
    r = rng(seed)
    user_group = r.integers(groups, size=n_users)
    item_group = np.arange(n_items) % groups
    weight = 1.0 / np.sqrt(1.0 + np.arange(n_items))
    pairs = []
    for u in range(n_users):
        own = item_group == user_group[u]
        p = weight * np.where(own, p_own / weight[own].sum(), (1 - p_own) / weight[~own].sum())
        pairs += [(u, int(i)) for i in r.choice(n_items, size=per_user, replace=False, p=p / p.sum())]
    return np.array(pairs)


@fixed
def _held_out(seed):
    """(train, test) of _planted(seed): one pair of each user to test, chosen by a seeded rng."""
    pairs = _planted(seed)
    r = rng(seed + 100)
    test_rows = [int(r.choice(np.flatnonzero(pairs[:, 0] == u))) for u in np.unique(pairs[:, 0])]
    in_test = np.zeros(len(pairs), dtype=bool)
    in_test[test_rows] = True
    return pairs[~in_test], pairs[in_test]


def _hits_at_10(S, train, test):
    """The fraction of test pairs whose item is among the 10 best of its user by S, train left out."""
    S = np.array(S, dtype=np.float64)
    S[train[:, 0], train[:, 1]] = -np.inf
    top = np.argsort(-S[test[:, 0]], axis=1, kind="stable")[:, :10]
    return float(np.mean([item in row for row, item in zip(top, test[:, 1])]))


def _trained(called, n_users, n_items, dim, epochs):
    U = as_array(called.part(0, "U"), (n_users, dim))
    V = as_array(called.part(1, "V"), (n_items, dim))
    losses = as_array(called.part(2, "losses"), (epochs,))
    for part, got in ((called.part(0, "U"), U), (called.part(1, "V"), V), (called.part(2, "losses"), losses)):
        finite(part, got, "SGD with a stable loss stays finite")
    return U, V, losses


def test_train_bpr_first_loss_is_log_2(kata):
    """train_bpr records each batch's loss before its step: log 2 at the start"""
    r = rng(17)
    train = np.column_stack([r.integers(10, size=40), r.integers(12, size=40)])
    called = kata.train_bpr(train, 10, 12, dim=4, epochs=2, batch_size=64, seed=1)
    _, _, losses = _trained(called, 10, 12, 4, 2)
    close(called.part(2, "losses"), losses[0], LOG2, "one batch holds every pair, and its loss is taken "
          "before the first step, while U and V are small draws of rng.normal(0, 0.1): every x is "
          "near 0 and -log sigmoid(0) = log 2", rtol=0, atol=0.01)


def test_train_bpr_lowers_the_loss(kata):
    """train_bpr lowers the mean loss from the first epoch to the last"""
    train, _ = _held_out(0)
    called = kata.train_bpr(train, 160, 60, dim=8, epochs=12, lr=0.1, seed=0)
    _, _, losses = _trained(called, 160, 60, 8, 12)
    expect(losses[-1] < 0.6 * losses[0] and losses[1] < losses[0], called.part(2, "losses"),
           _losses(losses), "a clear decrease", "each step moves the rows by -lr times "
           "the SUM of the batch's gradients (the mean alone makes steps B times too small)")


def test_train_bpr_beats_popularity(kata):
    """BPR vectors recommend better than the popularity baseline"""
    train, test = _held_out(1)
    called = kata.train_bpr(train, 160, 60, dim=16, epochs=20, seed=0)
    U, V, _ = _trained(called, 160, 60, 16, 20)
    popularity = _hits_at_10(np.tile(np.bincount(train[:, 1], minlength=60), (160, 1)), train, test)
    bpr = _hits_at_10(U @ V.T, train, test)
    expect(bpr >= max(0.6, popularity + 0.25), called, f"U @ V.T hits {bpr:.2f} of the held-out items in "
           f"the top 10 (popularity: {popularity:.2f})", "at least 0.6, and 0.25 more than popularity",
           "each user's items come mostly from one of 4 planted groups: BPR should learn them")


@pytest.mark.side
def test_train_bpr_is_deterministic_for_a_seed(kata):
    """train_bpr gives the same vectors for the same seed and others for another seed"""
    train = np.array([[0, 0], [0, 1], [1, 1], [1, 2], [2, 3], [2, 0], [3, 2], [3, 4], [1, 4]])
    first = kata.train_bpr(train, 4, 5, dim=3, epochs=3, batch_size=4, seed=3)
    U1, V1, _ = _trained(first, 4, 5, 3, 3)
    again = kata.train_bpr(train, 4, 5, dim=3, epochs=3, batch_size=4, seed=3)
    U2, V2, _ = _trained(again, 4, 5, 3, 3)
    why = "every random draw (start, order, negatives) must come from np.random.default_rng(seed)"
    equal(again.part(0, "U"), U2, U1, why)
    equal(again.part(1, "V"), V2, V1, why)
    other = kata.train_bpr(train, 4, 5, dim=3, epochs=3, batch_size=4, seed=4)
    U3, _, _ = _trained(other, 4, 5, 3, 3)
    expect(not np.allclose(U3, U1), other.part(0, "U"), "the same U as seed=3", "a different U",
           "the seed must drive the start, the order and the negatives")


@pytest.mark.validation
@pytest.mark.parametrize("case, why", [
    ("zero_lr", "lr must be > 0"),
    ("zero_batch_size", "batch_size must be an integer >= 1"),
    ("item_out_of_range", "items must be < n_items"),
    ("user_has_every_item", "a user with every item has no negative to draw"),
    ("empty_train", "there is no pair to learn from"),
])
def test_train_bpr_rejects_bad_input(kata, case, why):
    """train_bpr raises a ValueError for bad input"""
    ok = np.array([[0, 0], [1, 1], [1, 2]])
    args, kwargs = {
        "zero_lr": ((ok, 2, 3), {"lr": 0.0}),
        "zero_batch_size": ((ok, 2, 3), {"batch_size": 0}),
        "item_out_of_range": ((np.array([[0, 0], [1, 3]]), 2, 3), {}),
        "user_has_every_item": ((np.array([[0, 0], [0, 1], [0, 2], [1, 0]]), 2, 3), {}),
        "empty_train": ((np.zeros((0, 2), dtype=int), 2, 3), {}),
    }[case]
    with kata.raises(why):
        kata.train_bpr(*args, **kwargs)


# ---------------------------------------------------------------- recommend

def _ranked(S, k, exclude=()):
    """Row by row: the k items of highest score, ties to the lower id, excluded ones left out."""
    out = []
    for r, scores in enumerate(S):
        allowed = [i for i in range(len(scores)) if (r, i) not in exclude]
        out.append(sorted(allowed, key=lambda i: (-scores[i], i))[:k])
    return np.array(out)


def test_recommend_ranks_by_dot_product(kata):
    """recommend lists each user's items by U[u].V[i], best first"""
    U = np.array([[1.0, 0.0], [0.0, 2.0], [1.0, -1.0]])
    V = np.array([[0.5, 0.1], [-1.0, 0.3], [2.0, 0.2], [0.0, 1.0], [1.0, 1.5]])
    # scores: user 0 [0.5 -1 2 0 1], user 1 [0.2 0.6 0.4 2 3], user 2 [0.4 -1.3 1.8 -1 -0.5]
    called = kata.recommend(U, V, np.array([2, 0, 1]), 3)
    got = as_ints(called, (3, 3))
    equal(called, got, [[2, 0, 4], [2, 4, 0], [4, 3, 1]], "row r ranks the items by the predicted "
          "preference U[users[r]] . V[i], the highest first")


def test_recommend_ties_go_to_the_lower_item_id(kata):
    """recommend breaks ties between equal scores in favour of the lower item id"""
    # 40 items, scores 0..3 in a scrambled order: ties at every place, and at the k-th one
    r = rng(12)
    V = np.column_stack([r.permutation(np.arange(40) % 4).astype(float), np.zeros(40)])
    U = np.array([[1.0, 0.0], [-1.0, 0.0]])
    called = kata.recommend(U, V, np.array([0, 1]), 15)
    got = as_ints(called, (2, 15))
    equal(called, got, _ranked(U @ V.T, 15), "equal scores go to the lower item id first (a stable sort "
          "of -scores; argpartition and a reversed argsort order ties their own way)")


def test_recommend_leaves_out_excluded_items(kata):
    """recommend never lists an excluded (user, item) pair"""
    U = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    V = np.array([[3.0, 0.0], [2.0, 2.0], [0.0, 3.0], [1.0, 1.0], [1.5, 0.0]])
    # scores: user 0 [3 2 0 1 1.5], user 1 [0 2 3 1 0], user 2 [3 4 3 2 1.5]
    exclude = np.array([[0, 0], [2, 1], [0, 0], [1, 2], [2, 3], [0, 4]])   # (0, 0) twice; user 1 is not asked
    called = kata.recommend(U, V, np.array([0, 2, 0]), 3, exclude=exclude)
    got = as_ints(called, (3, 3))
    equal(called, got, [[1, 3, 2], [0, 2, 4], [1, 3, 2]], "leave out every excluded pair of the row's user "
          "(each row that asks for it), then rank what is left")


def test_recommend_matches_a_full_sort(kata):
    """recommend matches a full sort on random scores with ties and exclusions"""
    r = rng(13)
    U, V = r.integers(-2, 3, size=(30, 3)).astype(float), r.integers(-2, 3, size=(25, 3)).astype(float)
    users = r.permutation(30)[:20]
    exclude = np.column_stack([r.integers(30, size=150), r.integers(25, size=150)])
    called = kata.recommend(U, V, users, 6, exclude=exclude)
    got = as_ints(called, (20, 6))
    excluded = {(row, int(i)) for row, u in enumerate(users) for e_u, i in exclude if e_u == u}
    equal(called, got, _ranked(U[users] @ V.T, 6, excluded), "row r: the items of users[r] by score, "
          "best first, ties to the lower id, its excluded items left out")


@pytest.mark.validation
@pytest.mark.parametrize("case, why", [
    ("too_few_items_left", "fewer than k items are left for user 1 once its exclusions are out"),
    ("k_larger_than_items", "k cannot be larger than the number of items"),
    ("k_zero", "k must be an integer >= 1"),
    ("user_out_of_range", "users must be < the number of rows of U"),
    ("exclude_item_out_of_range", "excluded items must be < the number of rows of V"),
    ("columns_differ", "U and V must have the same number of columns"),
])
def test_recommend_rejects_bad_input(kata, case, why):
    """recommend raises a ValueError for bad input"""
    U, V, users = np.ones((3, 2)), np.arange(8.0).reshape(4, 2), np.array([0, 1])
    args, kwargs = {
        "too_few_items_left": ((U, V, users, 2), {"exclude": np.array([[1, 0], [1, 2], [0, 1], [1, 3]])}),
        "k_larger_than_items": ((U, V, users, 5), {}),
        "k_zero": ((U, V, users, 0), {}),
        "user_out_of_range": ((U, V, np.array([0, 3]), 2), {}),
        "exclude_item_out_of_range": ((U, V, users, 2), {"exclude": np.array([[0, 4]])}),
        "columns_differ": ((U, np.ones((4, 3)), users, 2), {}),
    }[case]
    with kata.raises(why):
        kata.recommend(*args, **kwargs)


# ---------------------------------------------------------------- hit_rate and ndcg_at_k

def test_hit_rate_hand_case(kata):
    """hit_rate is the fraction of test pairs found in their user's row"""
    recommended = np.array([[4, 2, 7], [1, 0, 3], [6, 5, 8]])   # rows for users 3, 5, 8 (np.unique order)
    test = np.array([[8, 8], [3, 9], [5, 0], [8, 6], [3, 2]])    # hit, miss, hit, hit, hit
    called = kata.hit_rate(recommended, test)
    close(called, as_float(called), 0.8, "row j belongs to the j-th user of np.unique(test[:, 0]), "
          "whatever the order of test; 4 of the 5 pairs are hits", rtol=1e-12)


def test_ndcg_hand_case(kata):
    """ndcg_at_k gains 1 / log2(rank + 2) for a held-out item at 0-based rank"""
    recommended = np.array([[4, 2, 7], [1, 0, 3], [6, 5, 8], [9, 1, 2]])   # users 0, 2, 5, 6
    test = np.array([[6, 3], [5, 5], [2, 3], [0, 4]])        # absent, rank 1, rank 2, rank 0
    called = kata.ndcg_at_k(recommended, test)
    expected = (0.0 + 1 / np.log2(3) + 1 / np.log2(4) + 1.0) / 4
    close(called, as_float(called), expected, "the first place (rank 0) gains 1 / log2(2) = 1, the "
          "second 1 / log2(3), the third 1 / 2, an absent item 0; mean over the users", rtol=1e-9)


@pytest.mark.validation
@pytest.mark.parametrize("case, why", [
    ("rows_mismatch", "recommended needs one row per distinct user of test"),
    ("empty_test", "there is no test pair to score"),
    ("ndcg_two_items_for_a_user", "ndcg_at_k takes one held-out item per user"),
    ("recommended_1d", "recommended must be 2-D: one row of k items per user"),
])
def test_metrics_reject_bad_input(kata, case, why):
    """hit_rate and ndcg_at_k raise a ValueError for bad input"""
    rec = np.array([[1, 2], [0, 3]])
    func, args = {
        "rows_mismatch": ("hit_rate", (rec, np.array([[0, 1], [1, 2], [2, 0]]))),
        "empty_test": ("hit_rate", (rec, np.zeros((0, 2), dtype=int))),
        "ndcg_two_items_for_a_user": ("ndcg_at_k", (rec, np.array([[0, 1], [1, 2], [1, 3]]))),
        "recommended_1d": ("ndcg_at_k", (np.array([1, 2]), np.array([[0, 1], [1, 2]]))),
    }[case]
    with kata.raises(why):
        getattr(kata, func)(*args)


# ---------------------------------------------------------------- contract-wide

@pytest.mark.side
def test_inputs_are_left_unchanged(kata):
    """no function changes its inputs in place"""
    r = rng(14)
    pairs = np.array([[0, 1], [0, 2], [1, 0], [0, 1], [2, 3], [2, 0]])
    U, V = r.normal(size=(3, 2)), r.normal(size=(4, 2))
    recommended, test = np.array([[1, 2], [3, 0]]), np.array([[2, 3], [0, 2]])
    for called in (kata.leave_one_out(pairs, 3), kata.sample_negatives(pairs, 4),
                   kata.bpr_loss_and_grads(U, V, np.array([0, 0]), np.array([1, 2]), np.array([2, 3]), reg=0.1),
                   kata.train_bpr(pairs, 3, 4, dim=2, epochs=1),
                   kata.recommend(U, V, np.array([0, 2]), 2, exclude=pairs),
                   kata.hit_rate(recommended, test), kata.ndcg_at_k(recommended, test)):
        unchanged(called)


@pytest.mark.side
def test_results_are_float64(kata):
    """vectors and gradients come back as float64 arrays, ids as integers"""
    U, V = np.ones((2, 2), dtype=np.float32), np.eye(2, dtype=np.float32)
    grads = kata.bpr_loss_and_grads(U, V, np.array([0]), np.array([1]), np.array([0]))
    trained = kata.train_bpr(np.array([[0, 0], [1, 1]], dtype=np.int32), 2, 3, dim=2, epochs=1)
    for called, index, label in ((grads, 1, "dU"), (grads, 2, "dV"), (trained, 0, "U"), (trained, 1, "V"),
                                 (trained, 2, "losses")):
        dtype = np.asarray(called.part(index, label).value).dtype
        expect(dtype == np.float64, called.part(index, label), f"{label} of dtype {dtype}", "float64",
               "the contract's arrays are float64 (convert inputs with np.asarray(..., dtype=float))")
    ranked = kata.recommend(U, V, np.array([0, 1]), 1)
    as_ints(ranked, (2, 1))


# ---------------------------------------------------------------- scale

@fixed
def _dense_pairs(seed, n_users, n_items, density):
    """Every (user, item) with probability density, in a shuffled order, and the has-matrix."""
    r = rng(seed)
    has = r.random((n_users, n_items)) < density
    pairs = np.argwhere(has)
    return pairs[r.permutation(len(pairs))], has


@pytest.mark.scale(0.25, "correct but too slow: vectorize (draw every negative at once: the r-th free "
                   "item of a user is r + #{j : s_j - j <= r}, one np.searchsorted)")
def test_scale_sample_negatives_is_vectorized(kata):
    """sample_negatives draws 200,000 negatives quickly"""
    train, has = _dense_pairs(15, 800, 320, 0.75)
    called = kata.sample_negatives(train, 320, seed=0)
    negs = as_ints(called, (len(train),))
    _check_negatives(called, negs, train, has, 320)


@fixed
def _grouped_pairs(seed, n_users, n_items, groups, per_user):
    """per_user pairs of each user, items of the user's own group i % groups (repeats possible)."""
    r = rng(seed)
    user_group = r.integers(groups, size=n_users)
    items = r.integers(n_items // groups, size=(n_users, per_user)) * groups + user_group[:, None]
    return np.column_stack([np.repeat(np.arange(n_users), per_user), items.reshape(-1)])


@pytest.mark.scale(0.12, "correct but too slow: vectorize (a whole minibatch at a time: gather the rows, "
                   "row-wise dot products, np.add.at for the updates; negatives drawn at once)")
def test_scale_train_bpr_is_vectorized(kata):
    """train_bpr runs two epochs over 20,000 pairs quickly"""
    train = _grouped_pairs(16, 1000, 500, 4, 20)
    called = kata.train_bpr(train, 1000, 500, dim=4, epochs=2, batch_size=4096, seed=0)
    _, _, losses = _trained(called, 1000, 500, 4, 2)
    expect(abs(losses[0] - LOG2) < 0.01 and losses[1] < losses[0], called.part(2, "losses"), _losses(losses),
           "about log 2 = 0.693, then less", "small starting vectors give x near 0, and the second epoch "
           "starts from what the first learned")
