"""Kata 10 — user and item embeddings from implicit feedback.

Read katas/recommender.md first. Fill in each function, then run
    python grader.py recommender
Use only numpy and the standard library. Never change an input in place, and raise a
ValueError that names the problem for bad input (ids out of range, wrong shapes...).

The pipeline: interactions (user, item) -> leave_one_out -> train -> train_bpr (which learns
with the gradients of bpr_loss_and_grads and the negatives of sample_negatives) -> U, V ->
recommend -> hit_rate and ndcg_at_k on the held-out test pairs, against the popularity
baseline (recommend with a single constant user vector and the item counts as V).
"""

import numpy as np


def leave_one_out(pairs, n_users, seed=0):
    """Split interactions into (train, test), holding out one item per user.

    pairs is an int array (n, 2) of (user, item) interactions, users in 0..n_users-1, items
    >= 0. Duplicate pairs are dropped first. Then every user with at least 2 distinct items
    moves one of them, chosen uniformly by rng = np.random.default_rng(seed), to test; a
    user with a single item keeps it in train (a user needs something to learn from).
    Both are int64 arrays (m, 2), their rows in any order (by user, then item, comes
    naturally); together they hold every distinct pair exactly once, and test has one row
    per user with 2 items or more. Same seed, same split.

    >>> train, test = leave_one_out([[0, 1], [0, 2], [0, 1], [1, 3]], 2)
    >>> train.shape, test.shape   # (0, 1) twice is one pair; user 1 keeps its only item
    ((2, 2), (1, 2))
    >>> int(test[0, 0]), int(test[0, 1]) in (1, 2)
    (0, True)

    ValueError if pairs is not (n, 2), not of an integer dtype, if a user is not in
    0..n_users-1, an item is negative, or n_users is not an integer >= 1.
    """
    raise NotImplementedError


def bpr_loss_and_grads(U, V, users, pos, neg, reg=0.0):
    """Bayesian personalized ranking on one batch: (loss, dU, dV).

    U (n_users, d) holds the user vectors, V (n_items, d) the item vectors; users, pos and
    neg are int arrays of shape (B,): user users[b] interacted with item pos[b], not with
    neg[b]. With x_b = U[u_b].V[p_b] - U[u_b].V[n_b], how much more u_b is predicted to like
    its positive than its negative:
        loss = mean over b of -log sigmoid(x_b)
               + (reg / 2) * mean over b of (||U[u_b]||^2 + ||V[p_b]||^2 + ||V[n_b]||^2)
    loss is a Python float; dU and dV (float64, shapes of U and V) are its gradients.
    Repeated ids accumulate (a user twice in the batch, an item that is one pair's positive
    and another's negative). Stable for any x: no overflow, no NaN or inf, no warnings.

    >>> loss, dU, dV = bpr_loss_and_grads([[1.0, 2.0]], np.zeros((2, 2)), [0], [0], [1])
    >>> loss                     # x = 0: -log sigmoid(0) = log 2
    0.6931471805599453
    >>> dU
    array([[0., 0.]])
    >>> dV                       # positive: -sigmoid(-x) U[u]; negative: +sigmoid(-x) U[u]
    array([[-0.5, -1. ],
           [ 0.5,  1. ]])

    ValueError if U or V is not 2-D or their numbers of columns differ, if users, pos and
    neg are not 1-D of one length B >= 1, for an id that is not an integer in range
    (0..n_users-1 for users, 0..n_items-1 for pos and neg), or if reg < 0.
    """
    raise NotImplementedError


def sample_negatives(train, n_items, seed=0):
    """One negative item per training pair: an int64 array of shape (len(train),).

    Entry b is an item that user train[b, 0] has no pair with anywhere in train, drawn
    uniformly among all such items by rng = np.random.default_rng(seed) (an int seed, or a
    Generator, which np.random.default_rng passes through). Items are 0..n_items-1.

    >>> sample_negatives([[0, 0], [0, 1], [1, 2], [0, 3], [1, 1], [1, 3]], 4)
    array([2, 2, 0, 2, 0, 0])

    (User 0 has items 0, 1 and 3, so its only negative is 2; user 1 has 1, 2 and 3.)

    Vectorize it: no Python loop over the pairs (drawing again until a draw misses the user's
    items is one loop per pair; see the lesson for an exact draw without any retry).
    ValueError if train is not (n, 2) of integers, an item is not in 0..n_items-1, or a user
    has a pair with every item (there is no negative to draw).
    """
    raise NotImplementedError


def train_bpr(train, n_users, n_items, dim=32, epochs=20, lr=0.05, reg=1e-4, batch_size=256, seed=0):
    """Learn user and item vectors with BPR by minibatch SGD: (U, V, losses).

    train is an int array (n, 2) of (user, item) pairs, each row one positive pair. All that
    is random comes from rng = np.random.default_rng(seed):
    - U (n_users, dim) and V (n_items, dim) start as draws of rng.normal(0, 0.1);
    - each epoch visits every row of train once, in an order shuffled by rng, in minibatches
      of batch_size pairs (the last one may be smaller);
    - every pair gets a fresh negative each epoch, drawn uniformly among the items its user
      has no pair with in train (as sample_negatives does);
    - a step moves the rows of U and V by -lr times the SUM over the batch of the pairs'
      gradients (= lr * B * the gradients of the batch-mean loss that bpr_loss_and_grads
      returns with this reg), so lr is the per-pair step of Rendle et al.'s SGD.
    losses (float64, (epochs,)): losses[e] is the mean over the pairs of epoch e of that loss,
    each batch's loss taken before its step. U and V are float64. Same seed, same result.

    >>> U, V, losses = train_bpr([[0, 0], [1, 1], [2, 0]], 3, 2, dim=4, epochs=3)
    >>> U.shape, V.shape, losses.shape
    ((3, 4), (2, 4), (3,))
    >>> bool(abs(losses[0] - np.log(2)) < 0.01)   # one batch, taken before any step
    True

    Vectorize over each minibatch: an epoch over 40,000 pairs must take well under a second.
    ValueError if n_users, n_items, dim, epochs or batch_size is not an integer >= 1, if lr
    is not a number > 0 or reg one >= 0, for ids out of range, if train is empty, or if a
    user has a pair with every item.
    """
    raise NotImplementedError


def recommend(U, V, users, k, exclude=None):
    """The k best items of each user: an int64 array of shape (len(users), k).

    Row r ranks every item i by its score U[users[r]].V[i], best first; equal scores go to
    the lower item id first. exclude is None or an int array (m, 2) of (user, item) pairs
    that are never recommended to that user (typically train: no point recommending what a
    user already has); pairs of users that are not asked for are ignored.

    >>> U = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> V = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 0.0]])
    >>> recommend(U, V, [0, 1], 2)        # user 0 scores 1, 0, 1, 2; user 1 scores 0, 1, 1, 0
    array([[3, 0],
           [1, 2]])
    >>> recommend(U, V, [0, 1], 2, exclude=[[0, 3], [1, 1]])
    array([[0, 2],
           [2, 0]])

    ValueError if U or V is not 2-D or their numbers of columns differ, for ids out of
    range, if k is not an integer >= 1, or when fewer than k items are left for a user
    once its exclusions are taken out.
    """
    raise NotImplementedError


def hit_rate(recommended, test):
    """The fraction of test pairs whose item is among their user's recommendations: a float.

    recommended is an int array (n, k) with one row per distinct user of test, in the order
    of np.unique(test[:, 0]) (what recommend(U, V, np.unique(test[:, 0]), k) returns); test
    is an int array (t, 2) of held-out (user, item) pairs. Pair (u, i) is a hit when i is in
    the row of u.

    >>> recommended = np.array([[4, 2, 7], [1, 0, 3]])   # rows for users 3 and 5
    >>> hit_rate(recommended, [[5, 0], [3, 9]])            # 0 is in the row of 5, 9 not in 3's
    0.5

    ValueError if recommended is not 2-D with k >= 1 columns of integers, if test is not
    (t, 2) of integers with t >= 1, or if the number of rows is not the number of distinct
    users of test.
    """
    raise NotImplementedError


def ndcg_at_k(recommended, test):
    """Normalized discounted cumulative gain at k of one held-out item per user: a float.

    recommended and test as in hit_rate, with exactly one test pair per user. A held-out
    item at rank r of its user's row (0-based: r = 0 is the first recommendation) gains
    1 / log2(r + 2), an absent one 0; the result is the mean gain over the users. The best
    possible ranking gains 1 for every user, so no further normalization is needed.

    >>> recommended = np.array([[4, 2, 7], [1, 0, 3], [6, 5, 8]])
    >>> ndcg_at_k(recommended, [[0, 4], [1, 3], [2, 9]])   # ranks 0, 2, absent: (1 + 1/2 + 0) / 3
    0.5

    ValueError as in hit_rate, and if a user has more than one test pair.
    """
    raise NotImplementedError
