"""Hidden suite of kata 9, next_word.

Expected values come from plain formulas written here (windows built position by position,
the mean of the real words of a row, a stable logsumexp, softmax minus one-hot pushed back
through the mean by a loop), from finite differences of that plain loss, from small hand cases,
from identities (W = b = 0 gives perplexity V, b = log p gives exp(entropy)), and from
properties of training on a toy language generated here (the loss falls towards its known
floor, words of one class end up neighbours, a seed fixes the result). The training checks
relate what train_next_word returns after e and e + 1 epochs, so they hold for any starting
table. The reference solutions are never used.
"""

import numpy as np
import pytest

from grading import show
from grading.checks import as_array, as_float, as_ints, close, equal, expect, finite, fixed, numerical_gradient, unchanged

KATA = "next_word"
PAD = 0


def rng(seed):
    return np.random.default_rng(seed)


# ---------------------------------------------------------------- plain formulas

def plain_windows(encoded, context, pad):
    """The definition, position by position."""
    X, y = [], []
    for sentence in encoded:
        sentence = [int(w) for w in sentence]
        for t in range(len(sentence)):
            before = sentence[max(0, t - context):t]
            X.append([pad] * (context - len(before)) + before)
            y.append(sentence[t])
    return np.array(X, dtype=np.int64).reshape(-1, context), np.array(y, dtype=np.int64)


def plain_pool(E, X, pad):
    """Row i: the mean of E[w] over the ids w != pad of X[i]; zeros when there is none."""
    E = np.asarray(E, dtype=float)
    h = np.zeros((len(X), E.shape[1]))
    for i, row in enumerate(X):
        words = [w for w in row if w != pad]
        if words:
            h[i] = np.mean([E[w] for w in words], axis=0)
    return h


def plain_logits(E, W, b, X, pad):
    return plain_pool(E, X, pad) @ np.asarray(W, dtype=float) + np.asarray(b, dtype=float)


def row_losses(Z, y):
    """logsumexp(Z[i]) - Z[i, y[i]], with the row max taken out of the exponent."""
    m = Z.max(axis=1, keepdims=True)
    return m[:, 0] + np.log(np.exp(Z - m).sum(axis=1)) - Z[np.arange(len(y)), y]


def plain_loss(E, W, b, X, y, pad):
    return float(np.mean(row_losses(plain_logits(E, W, b, X, pad), np.asarray(y))))


def plain_grads(E, W, b, X, y, pad):
    """(dE, dW, db): softmax minus one-hot over N, then back through the mean, id by id."""
    E, W = np.asarray(E, dtype=float), np.asarray(W, dtype=float)
    h = plain_pool(E, X, pad)
    Z = h @ W + b
    P = np.exp(Z - Z.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    G = (P - (np.asarray(y)[:, None] == np.arange(Z.shape[1]))) / len(y)
    dh = G @ W.T
    dE = np.zeros(E.shape)
    for i, row in enumerate(X):
        words = [w for w in row if w != pad]
        for w in words:
            dE[w] += dh[i] / len(words)
    return dE, h.T @ G, G.sum(axis=0)


def grammar(seed, sentences, classes=4, per_class=4, length=8):
    """A toy language: word classes follow the cycle 0 1 2 3 0 1 2 3 ..., the word within its class
    uniform. Class c holds the ids 1 + 4c .. 4 + 4c (0 is padding), so V = 17. The class of the next
    word is certain, the word is 1 of 4: the best possible perplexity is 4, the unigram one 16."""
    r = rng(seed)
    word_class = np.arange(length) % classes
    words = 1 + word_class * per_class + r.integers(0, per_class, size=(sentences, length))
    return list(words), 1 + classes * per_class, np.repeat(np.arange(classes), per_class)


def trained(called, V, d):
    E = as_array(called.part(0, "E"), (V, d))
    W = as_array(called.part(1, "W"), (d, V))
    b = as_array(called.part(2, "b"), (V,))
    losses = as_array(called.part(3, "losses"))
    return E, W, b, losses


def windows_of(called, N, context):
    X = as_ints(called.part(0, "X"), (N, context))
    y = as_ints(called.part(1, "y"), (N,))
    return X, y


# a small model: V = 6 (0 is padding, its row nonzero so that using it shows), d = 3
def small_model(seed, V=6, d=3, scale=1.0):
    r = rng(seed)
    return scale * r.normal(size=(V, d)), scale * r.normal(size=(d, V)), r.normal(size=V)


# windows with repeated ids within a row (1 1, 3 3 3) and across rows (2, 3), padding at the
# front, and a row of padding only
X_MIXED = np.array([[1, 1, 2], [0, 3, 2], [3, 3, 3], [0, 0, 0], [0, 0, 5], [4, 2, 1]])
Y_MIXED = np.array([2, 4, 1, 3, 5, 2])


# ---------------------------------------------------------------- context_windows

def test_context_windows_small_case(kata):
    """context_windows gives one row per word: the words before it, and the word itself"""
    called = kata.context_windows([np.array([5, 6, 7]), np.array([8, 9])], 2, 0)
    X, y = windows_of(called, 5, 2)
    equal(called.part(0, "X"), X, [[0, 0], [0, 5], [5, 6], [0, 0], [0, 8]],
          "row t holds the context ids before position t, oldest first; the first word's row is padding")
    equal(called.part(1, "y"), y, [5, 6, 7, 8, 9], "y[t] is the word at position t, for every position")


def test_context_windows_pad_on_the_left(kata):
    """context_windows pads a short history on the left, next to the oldest word"""
    called = kata.context_windows([np.array([4, 5, 6])], 3, 9)
    X, _ = windows_of(called, 3, 3)
    equal(called.part(0, "X"), X, [[9, 9, 9], [9, 9, 4], [9, 4, 5]],
          "the last column is the word just before t; padding fills the columns before the oldest word")


def test_context_windows_never_cross_sentences(kata):
    """context_windows starts every sentence from padding, not from the end of the one before"""
    called = kata.context_windows([np.array([1, 2]), np.array([3, 4]), np.array([5])], 2, 0)
    X, y = windows_of(called, 5, 2)
    equal(called.part(0, "X"), X, [[0, 0], [0, 1], [0, 0], [0, 3], [0, 0]],
          "windows never cross sentences: the first word of each sentence has a row of padding only")
    equal(called.part(1, "y"), y, [1, 2, 3, 4, 5], "y lists the words sentence after sentence")


def test_context_windows_match_the_definition(kata):
    """context_windows matches the definition on a corpus with empty and short sentences"""
    r = rng(1)
    encoded = [r.integers(1, 9, size=n) for n in (7, 0, 1, 12, 2, 5, 0, 3)]
    for context in (1, 4):
        called = kata.context_windows(encoded, context, 0)
        X_expected, y_expected = plain_windows(encoded, context, 0)
        X, y = windows_of(called, len(y_expected), context)
        equal(called.part(0, "X"), X, X_expected, f"context {context}: the {context} ids before every "
              "position of every sentence, left-padded; empty sentences give no row")
        equal(called.part(1, "y"), y, y_expected, "y[t] is the word at position t")


@pytest.mark.validation
@pytest.mark.parametrize("case, why", [
    ("context_zero", "context must be an integer >= 1"),
    ("negative_id", "a negative id is an error, not numpy's wrap-around"),
    ("float_ids", "ids must be integers"),
    ("pad_in_sentence", "a sentence holding pad_id would make padding a word to predict"),
    ("negative_pad", "pad_id must be an id >= 0"),
    ("sentence_2d", "each sentence must be a 1-D array of ids"),
])
def test_context_windows_rejects_bad_input(kata, case, why):
    """context_windows raises a ValueError for bad input"""
    ok = [np.array([1, 2, 3])]
    args = {
        "context_zero": (ok, 0, 0),
        "negative_id": ([np.array([1, -2])], 2, 0),
        "float_ids": ([np.array([1.0, 2.0])], 2, 0),
        "pad_in_sentence": ([np.array([1, 0, 2])], 2, 0),
        "negative_pad": (ok, 2, -1),
        "sentence_2d": ([np.array([[1, 2], [3, 4]])], 2, 0),
    }[case]
    with kata.raises(why):
        kata.context_windows(*args)


# ---------------------------------------------------------------- forward

E_HAND = np.array([[9.0, 9.0], [1.0, 0.0], [0.0, 2.0], [4.0, 4.0]])  # row 0 (padding) is not zero
W_HAND = np.array([[1.0, 0.0, 0.0, 1.0], [0.0, 1.0, 0.0, 1.0]])
B_HAND = np.array([0.0, 0.0, 0.5, 0.0])


def test_forward_pools_the_mean_of_the_words(kata):
    """forward averages the rows of the words of each window, then applies W and b"""
    X = np.array([[1, 2], [0, 3], [3, 1]])
    called = kata.forward(E_HAND, W_HAND, B_HAND, X, 0)
    got = as_array(called, (3, 4))
    # h = [0.5 1] (the mean of rows 1 and 2), [4 4] (row 3 alone: padding is not a word), [2.5 2]
    expected = np.array([[0.5, 1.0], [4.0, 4.0], [2.5, 2.0]]) @ W_HAND + B_HAND
    close(called, got, expected, "h = the sum of the rows of the real words divided by their number "
          "(not by context), then h @ W + b", rtol=1e-12)


def test_forward_all_padding_row_gives_b(kata):
    """forward gives logits b for a window of padding only"""
    called = kata.forward(E_HAND, W_HAND, B_HAND, np.array([[0, 0], [2, 0]]), 0)
    got = as_array(called, (2, 4))
    why = "no word to average: h = 0 (divide by max(count, 1), never 0 / 0), so the logits are b"
    finite(called, got, why)
    close(called, got, np.vstack([B_HAND, E_HAND[2] @ W_HAND + B_HAND]), why, rtol=1e-12)


def test_forward_ignores_the_pad_row_of_E(kata):
    """forward gives the same logits whatever row pad_id of E holds"""
    E, W, b = small_model(2)
    E_huge = E.copy()
    E_huge[PAD] = 1e6
    called = kata.forward(E_huge, W, b, X_MIXED, PAD)
    got = as_array(called, (6, 6))
    close(called, got, plain_logits(E, W, b, X_MIXED, PAD), "positions equal to pad_id are left out of "
          "the mean: row pad_id of E is never used", rtol=1e-9, atol=1e-9)


def test_forward_matches_the_formula(kata):
    """forward matches the formula with repeated ids and padding"""
    r = rng(3)
    E, W, b = r.normal(size=(8, 4)), r.normal(size=(4, 8)), r.normal(size=8)
    X = r.integers(0, 8, size=(10, 5))
    X[2] = 3  # the same word five times
    called = kata.forward(E, W, b, X, 6)
    close(called, as_array(called, (10, 8)), plain_logits(E, W, b, X, 6), "h_i = mean of E[X[i, j]] over "
          "j with X[i, j] != pad_id (pad_id = 6 here), logits = h @ W + b", rtol=1e-9, atol=1e-9)


@pytest.mark.validation
@pytest.mark.parametrize("case, why", [
    ("id_too_large", "ids must be < V, the number of rows of E"),
    ("negative_id", "a negative id is an error, not numpy's wrap-around"),
    ("float_ids", "ids must be integers"),
    ("W_shape", "W must have shape (d, V)"),
    ("b_shape", "b must have shape (V,)"),
    ("X_1d", "X must be 2-D (N, context)"),
    ("pad_out_of_range", "pad_id must be a row of E, in 0..V-1"),
])
def test_forward_rejects_bad_input(kata, case, why):
    """forward raises a ValueError for bad input"""
    E, W, b, X = E_HAND, W_HAND, B_HAND, np.array([[1, 2]])
    args = {
        "id_too_large": (E, W, b, np.array([[1, 4]]), 0),
        "negative_id": (E, W, b, np.array([[1, -1]]), 0),
        "float_ids": (E, W, b, np.array([[1.0, 2.0]]), 0),
        "W_shape": (E, W.T, b, X, 0),
        "b_shape": (E, W, b[:3], X, 0),
        "X_1d": (E, W, b, np.array([1, 2]), 0),
        "pad_out_of_range": (E, W, b, X, 4),
    }[case]
    with kata.raises(why):
        kata.forward(*args)


# ---------------------------------------------------------------- loss_and_grads

def test_loss_matches_the_formula(kata):
    """loss_and_grads returns the mean over rows of logsumexp(z) - z[y]"""
    E, W, b = small_model(4)
    called = kata.loss_and_grads(E, W, b, X_MIXED, Y_MIXED, PAD)
    part = called.part(0, "loss")
    close(part, as_float(part), plain_loss(E, W, b, X_MIXED, Y_MIXED, PAD), "row i costs "
          "logsumexp(logits[i]) - logits[i, y[i]], averaged over the rows", rtol=1e-9)


def test_loss_of_a_zero_model_is_log_V(kata):
    """loss_and_grads with W = 0 and b = 0 gives log V and a zero gradient for E"""
    E = rng(5).normal(size=(7, 3))
    X, y = np.array([[1, 2], [0, 3], [0, 0]]), np.array([4, 6, 1])
    called = kata.loss_and_grads(E, np.zeros((3, 7)), np.zeros(7), X, y, PAD)
    part = called.part(0, "loss")
    close(part, as_float(part), np.log(7), "equal logits give every word probability 1/V: loss log V = log 7",
          rtol=1e-12)
    part = called.part(1, "dE")
    close(part, as_array(part, (7, 3)), np.zeros((7, 3)), "dE = (d loss / d h) spread over the words, and "
          "d loss / d h = (softmax - onehot) @ W.T is 0 when W is 0", atol=1e-15)


def test_grad_E_matches_finite_differences(kata):
    """dE is the gradient of the loss, with repeated ids, padding and a row of padding only"""
    E, W, b = small_model(6)
    numeric = numerical_gradient(lambda e: plain_loss(e, W, b, X_MIXED, Y_MIXED, PAD), E)
    part = kata.loss_and_grads(E, W, b, X_MIXED, Y_MIXED, PAD).part(1, "dE")
    close(part, as_array(part, (6, 3)), numeric, "each real word of row i adds (d loss / d h_i) / (its row's "
          "number of words) to its row of dE; repeated ids add up", rtol=1e-5, atol=1e-8)


def test_grad_W_and_b_match_finite_differences(kata):
    """dW and db are the gradients of the loss, as finite differences measure them"""
    E, W, b = small_model(7)
    called = kata.loss_and_grads(E, W, b, X_MIXED, Y_MIXED, PAD)
    numeric_W = numerical_gradient(lambda w: plain_loss(E, w, b, X_MIXED, Y_MIXED, PAD), W)
    numeric_b = numerical_gradient(lambda c: plain_loss(E, W, c, X_MIXED, Y_MIXED, PAD), b)
    part = called.part(2, "dW")
    close(part, as_array(part, (3, 6)), numeric_W, "dW = h.T @ (softmax - onehot) / N", rtol=1e-5, atol=1e-8)
    part = called.part(3, "db")
    close(part, as_array(part, (6,)), numeric_b, "db = the sum over rows of (softmax - onehot) / N",
          rtol=1e-5, atol=1e-8)


def test_repeated_ids_accumulate(kata):
    """dE adds up every occurrence of an id, within a row and across rows"""
    E, W, b = small_model(8)
    X, y = np.array([[2, 2], [2, 3], [0, 2]]), np.array([1, 4, 5])
    called = kata.loss_and_grads(E, W, b, X, y, PAD)
    part = called.part(1, "dE")
    got = as_array(part, (6, 3))
    expected, _, _ = plain_grads(E, W, b, X, y, PAD)
    expect(np.allclose(got[2], expected[2], rtol=1e-6, atol=1e-9), part,
           f"row 2 of dE is {show.array(got[2])}", show.array(expected[2]),
           "id 2 occurs 4 times: all 4 shares add up (dE[ids] += g keeps only one per id; use np.add.at)")
    close(part, got, expected, "every position of every row sends its share to its id's row", rtol=1e-6,
          atol=1e-9)


@pytest.mark.side
def test_grad_of_the_pad_row_is_zero(kata):
    """loss_and_grads leaves row pad_id of dE at zero"""
    E, W, b = small_model(9)
    called = kata.loss_and_grads(E, W, b, X_MIXED, Y_MIXED, PAD)
    part = called.part(1, "dE")
    got = as_array(part, (6, 3))
    expect(np.all(got[PAD] == 0), part, f"row pad_id = 0 of dE is {show.array(got[PAD])}", "zeros",
           "padding is not a word: it takes no share of d loss / d h, and its row never learns")


def test_loss_is_a_mean_not_a_sum(kata):
    """loss_and_grads of a batch repeated twice has the same loss and the same gradients"""
    E, W, b = small_model(10)
    X, y = X_MIXED[:3], Y_MIXED[:3]
    called = kata.loss_and_grads(E, W, b, np.vstack([X, X]), np.concatenate([y, y]), PAD)
    part = called.part(0, "loss")
    close(part, as_float(part), plain_loss(E, W, b, X, y, PAD), "the loss is the mean over rows, not the sum",
          rtol=1e-9)
    dE, dW, _ = plain_grads(E, W, b, X, y, PAD)
    for index, name, expected in ((1, "dE", dE), (2, "dW", dW)):
        part = called.part(index, name)
        close(part, as_array(part, expected.shape), expected, "the gradient of a mean: twice the rows, "
              "twice the terms, divided by twice N", rtol=1e-6, atol=1e-9)


def test_huge_logits_stay_finite(kata):
    """loss_and_grads is exact for logits of +-1e4"""
    E = np.array([[0.0], [1.0], [-1.0], [0.5]])
    W = np.array([[0.0, 1e4, -1e4, 0.0]])
    X, y = np.array([[1], [2], [0]]), np.array([2, 2, 3])  # logits [0 1e4 -1e4 0], [0 -1e4 1e4 0], [0 0 0 0]
    called = kata.loss_and_grads(E, W, np.zeros(4), X, y, PAD)
    loss_part, dE_part = called.part(0, "loss"), called.part(1, "dE")
    loss, dE = as_float(loss_part), as_array(dE_part, (4, 1))
    why = "exp(1e4) overflows: subtract each row's max before exp (the softmax does not change)"
    finite(loss_part, loss, why)
    finite(dE_part, dE, why)
    close(loss_part, loss, (2e4 + 0.0 + np.log(4)) / 3, "row losses 2e4 (1e4 - (-1e4)), 0 (sure and right) "
          "and log 4 (equal logits)", rtol=1e-12)
    close(dE_part, dE, np.array([[0.0], [2e4 / 3], [0.0], [0.0]]), "row 0's softmax is [0 1 0 0]: "
          "d loss / d h = (W[0, 1] - W[0, 2]) / 3 = 2e4 / 3, all of it to word 1", rtol=1e-9, atol=1e-9)


@pytest.mark.validation
@pytest.mark.parametrize("case, why", [
    ("y_is_pad", "padding is never a word to predict"),
    ("y_too_large", "targets must be < V"),
    ("y_length", "y must have one target per row of X"),
    ("id_too_large", "ids of X must be < V"),
    ("empty", "an empty batch has no mean loss"),
])
def test_loss_and_grads_rejects_bad_input(kata, case, why):
    """loss_and_grads raises a ValueError for bad input"""
    E, W, b = small_model(11)
    X, y = np.array([[1, 2], [0, 3]]), np.array([4, 5])
    args = {
        "y_is_pad": (X, np.array([4, PAD])),
        "y_too_large": (X, np.array([4, 6])),
        "y_length": (X, y[:1]),
        "id_too_large": (np.array([[1, 6], [0, 3]]), y),
        "empty": (np.zeros((0, 2), dtype=int), np.zeros(0, dtype=int)),
    }[case]
    with kata.raises(why):
        kata.loss_and_grads(E, W, b, *args, PAD)


# ---------------------------------------------------------------- perplexity

def test_perplexity_is_exp_of_the_mean_loss(kata):
    """perplexity is exp of the mean cross-entropy"""
    E, W, b = small_model(12, scale=0.7)
    called = kata.perplexity(E, W, b, X_MIXED, Y_MIXED, PAD)
    close(called, as_float(called), np.exp(plain_loss(E, W, b, X_MIXED, Y_MIXED, PAD)),
          "exp(mean over rows of the cross-entropy): the exp of the mean, not the mean of the exps", rtol=1e-9)


def test_untrained_perplexity_is_V(kata):
    """perplexity of a model with W = 0 and b = 0 is V"""
    E = rng(13).normal(size=(9, 4))
    called = kata.perplexity(E, np.zeros((4, 9)), np.zeros(9), X_MIXED, Y_MIXED, PAD)
    close(called, as_float(called), 9.0, "every word gets probability 1/V: the cross-entropy is log V, its exp "
          "V = 9 (padding is one of the V words)", rtol=1e-12)


def test_unigram_perplexity_is_exp_of_the_entropy(kata):
    """perplexity of b = log(unigram probabilities) and W = 0 is exp(entropy)"""
    y = np.array([1] * 6 + [2] * 3 + [3] * 2 + [4])
    p = np.bincount(y, minlength=5) / len(y)
    b = np.log(np.where(p > 0, p, np.exp(-40.0)))  # padding (id 0) gets a vanishing probability
    X = rng(14).integers(0, 5, size=(len(y), 3))
    called = kata.perplexity(rng(15).normal(size=(5, 2)), np.zeros((2, 5)), b, X, y, PAD)
    entropy = -np.sum(p[1:] * np.log(p[1:]))
    close(called, as_float(called), np.exp(entropy), "a model that ignores the context and predicts each word by "
          "its frequency has perplexity exp(entropy of the unigram distribution)", rtol=1e-9)


def test_perplexity_is_stable(kata):
    """perplexity is exact for logits of +-800"""
    E = np.array([[0.0], [1.0], [-1.0]])
    W = np.array([[0.0, 800.0, -800.0]])
    X, y = np.array([[1], [2], [0]]), np.array([1, 2, 1])  # sure and right, sure and right, equal logits
    called = kata.perplexity(E, W, np.zeros(3), X, y, PAD)
    got = as_float(called)
    why = "exp(800) overflows: subtract each row's max before exp"
    finite(called, got, why)
    close(called, got, 3 ** (1 / 3), "row losses 0, 0 and log 3: exp((0 + 0 + log 3) / 3) = 3 ** (1/3)",
          rtol=1e-12)


@pytest.mark.validation
@pytest.mark.parametrize("case, why", [
    ("y_is_pad", "padding is never a word to predict"),
    ("W_shape", "W must have shape (d, V)"),
])
def test_perplexity_rejects_bad_input(kata, case, why):
    """perplexity raises a ValueError for bad input"""
    E, W, b = small_model(16)
    X, y = np.array([[1, 2], [0, 3]]), np.array([4, 5])
    args = {
        "y_is_pad": (E, W, b, X, np.array([PAD, 5])),
        "W_shape": (E, W[:2], b, X, y),
    }[case]
    with kata.raises(why):
        kata.perplexity(*args, PAD)


# ---------------------------------------------------------------- train_next_word

TINY = [np.array([1, 2, 3, 1]), np.array([2, 2, 4]), np.array([3])]  # 8 windows, V = 5


def test_train_first_step_from_zeros(kata):
    """train_next_word's first loss is log V, and its first step moves W and b from zeros"""
    called = kata.train_next_word(TINY, 5, PAD, dim=3, context=2, epochs=1, lr=0.5, batch_size=64)
    E, W, b, losses = trained(called, 5, 3)
    X, y = plain_windows(TINY, 2, PAD)
    close(called.part(3, "losses"), losses, [np.log(5)], "one batch, its loss taken before the step while "
          "W = b = 0: log V = log 5", rtol=1e-6)
    G = (1 / 5 - (y[:, None] == np.arange(5))) / len(y)  # softmax of zero logits minus one-hot, over N
    close(called.part(2, "b"), b, -0.5 * G.sum(axis=0), "b = 0 - lr * db with db = sum of (1/V - onehot) / N: "
          "the step follows the gradient of the batch's MEAN loss", rtol=1e-6, atol=1e-9)
    close(called.part(1, "W"), W, -0.5 * plain_pool(E, X, PAD).T @ G, "W = 0 - lr * h.T @ (1/V - onehot) / N, "
          "h the pooled rows of E (unchanged by this step: dE is 0 while W is 0)", rtol=1e-5, atol=1e-8)


def test_train_next_epoch_is_one_sgd_step(kata):
    """one more epoch of train_next_word on one batch is one SGD step from the model before it"""
    first = kata.train_next_word(TINY, 5, PAD, dim=3, context=2, epochs=1, lr=0.5, batch_size=64, seed=2)
    E1, W1, b1, _ = trained(first, 5, 3)
    called = kata.train_next_word(TINY, 5, PAD, dim=3, context=2, epochs=2, lr=0.5, batch_size=64, seed=2)
    E2, W2, b2, losses = trained(called, 5, 3)
    X, y = plain_windows(TINY, 2, PAD)
    dE, dW, db = plain_grads(E1, W1, b1, X, y, PAD)
    why = ("with one batch per epoch, epoch 2 steps from what epochs=1 returned: P -= lr * dP with the "
           "gradients of loss_and_grads; E is drawn first from the seed, W and b start at 0")
    for index, name, got, expected in ((0, "E", E2, E1 - 0.5 * dE), (1, "W", W2, W1 - 0.5 * dW),
                                       (2, "b", b2, b1 - 0.5 * db)):
        close(called.part(index, name), got, expected, why, rtol=1e-5, atol=1e-8)
    close(called.part(3, "losses"), losses, [np.log(5), plain_loss(E1, W1, b1, X, y, PAD)], "losses[e] is the "
          "loss of the model epoch e starts from, before its step", rtol=1e-6)


def test_train_lowers_the_loss(kata):
    """train_next_word brings the perplexity of a toy language near its floor of 4"""
    encoded, V, _ = grammar(17, 100)
    called = kata.train_next_word(encoded, V, PAD, dim=8, context=2, epochs=10, lr=1.0, batch_size=32)
    E, W, b, losses = trained(called, V, 8)
    part = called.part(3, "losses")
    finite(part, losses, "each epoch's mean loss is a finite number")
    expect(len(losses) == 10 and losses[-1] < losses[0] - 0.8 and np.exp(losses[-1]) < 6, part,
           f"perplexities exp(losses) {show.array(np.exp(losses))}", "falling from about 16 to below 6",
           "every SGD step moves E, W and b against the gradient of the batch's mean loss")
    X, y = plain_windows(grammar(18, 40)[0], 2, PAD)
    held_out = np.exp(plain_loss(E, W, b, X, y, PAD))
    expect(held_out < 6, called, f"a model whose perplexity on new sentences is {held_out:.2f}", "below 6",
           "the class of the next word is certain in this language, so a trained model nears perplexity 4 "
           "(the unigram model scores 16)")


def test_train_neighbours_share_their_class(kata):
    """train_next_word makes words that predict the same next words neighbours"""
    encoded, V, word_class = grammar(19, 100)
    called = kata.train_next_word(encoded, V, PAD, dim=8, context=2, epochs=10, lr=1.0, batch_size=16)
    E, _, _, _ = trained(called, V, 8)
    finite(called.part(0, "E"), E, "training must not blow up")
    U = E[1:] / np.maximum(np.linalg.norm(E[1:], axis=1, keepdims=True), 1e-12)
    cosines = U @ U.T
    same = word_class[:, None] == word_class[None, :]
    np.fill_diagonal(same, False)
    gap = float(cosines[same].mean() - cosines[word_class[:, None] != word_class[None, :]].mean())
    expect(gap >= 0.5, called.part(0, "E"), f"mean cosine within a class minus across classes {gap:.2f}",
           "at least 0.5", "words of one class are followed by the same words: the gradients of the "
           "prediction pull their rows of E the same way")


@pytest.mark.side
def test_train_pad_row_never_changes(kata):
    """train_next_word never moves row pad_id of E"""
    encoded, V, _ = grammar(20, 20)
    one = kata.train_next_word(encoded, V, PAD, dim=4, context=3, epochs=1, batch_size=8)
    E1, _, _, _ = trained(one, V, 4)
    called = kata.train_next_word(encoded, V, PAD, dim=4, context=3, epochs=3, batch_size=8)
    E3, _, _, _ = trained(called, V, 4)
    part = called.part(0, "E")
    expect(np.array_equal(E3[PAD], E1[PAD]), part, f"row pad_id = 0 of E is {show.array(E3[PAD])} after 3 epochs",
           f"{show.array(E1[PAD])}, as after 1 epoch", "padding is not a word: row pad_id of dE is 0, so no step "
           "ever moves it")


@pytest.mark.side
def test_train_is_deterministic_for_a_seed(kata):
    """train_next_word gives the same model for the same seed and another for another seed"""
    encoded, V, _ = grammar(21, 6)
    first = trained(kata.train_next_word(encoded, V, PAD, dim=3, epochs=2, batch_size=5, seed=3), V, 3)
    again = kata.train_next_word(encoded, V, PAD, dim=3, epochs=2, batch_size=5, seed=3)
    for index, (name, value) in enumerate(zip(("E", "W", "b", "losses"), trained(again, V, 3))):
        equal(again.part(index, name), value, first[index],
              "every random draw must come from np.random.default_rng(seed)")
    other = kata.train_next_word(encoded, V, PAD, dim=3, epochs=2, batch_size=5, seed=4)
    E_other = trained(other, V, 3)[0]
    expect(not np.allclose(E_other, first[0]), other.part(0, "E"), "the same E as seed=3", "a different E",
           "the seed must drive the starting table and the order of the windows")


@pytest.mark.validation
@pytest.mark.parametrize("case, why", [
    ("id_too_large", "ids must be < vocab_size"),
    ("pad_out_of_range", "pad_id must be in 0..vocab_size-1"),
    ("pad_in_sentence", "a sentence holding pad_id would make padding a word to predict"),
    ("context_zero", "context must be an integer >= 1"),
    ("dim_zero", "dim must be an integer >= 1"),
    ("lr_zero", "lr must be > 0"),
    ("batch_size_zero", "batch_size must be an integer >= 1"),
    ("float_seed", "seed must be an int: 0.5 is no seed"),
    ("no_words", "a corpus without a word has no window to train on"),
])
def test_train_next_word_rejects_bad_input(kata, case, why):
    """train_next_word raises a ValueError for bad input"""
    ok = [np.array([1, 2, 3])]
    args, kwargs = {
        "id_too_large": (([np.array([1, 4])], 4, PAD), {}),
        "pad_out_of_range": ((ok, 4, 4), {}),
        "pad_in_sentence": (([np.array([1, 0, 2])], 4, PAD), {}),
        "context_zero": ((ok, 4, PAD), {"context": 0}),
        "dim_zero": ((ok, 4, PAD), {"dim": 0}),
        "lr_zero": ((ok, 4, PAD), {"lr": 0.0}),
        "batch_size_zero": ((ok, 4, PAD), {"batch_size": 0}),
        "float_seed": ((ok, 4, PAD), {"seed": 0.5}),
        "no_words": (([np.array([], dtype=int)], 4, PAD), {}),
    }[case]
    with kata.raises(why):
        kata.train_next_word(*args, **kwargs)


# ---------------------------------------------------------------- contract-wide

@pytest.mark.side
def test_inputs_are_left_unchanged(kata):
    """no function changes its inputs in place"""
    E, W, b = small_model(22)
    for called in (kata.context_windows(TINY, 2, PAD), kata.forward(E, W, b, X_MIXED, PAD),
                   kata.loss_and_grads(E, W, b, X_MIXED, Y_MIXED, PAD),
                   kata.perplexity(E, W, b, X_MIXED, Y_MIXED, PAD),
                   kata.train_next_word(TINY, 5, PAD, dim=2, epochs=1)):
        unchanged(called)


@pytest.mark.side
def test_results_are_float64(kata):
    """array results are float64, also for float32 input; perplexity is a Python float"""
    E, W, b = (a.astype(np.float32) for a in small_model(23))
    called = kata.loss_and_grads(E, W, b, X_MIXED, Y_MIXED, PAD)
    parts = [kata.forward(E, W, b, X_MIXED, PAD)] + [called.part(i, n) for i, n in ((1, "dE"), (2, "dW"), (3, "db"))]
    called = kata.train_next_word(TINY, 5, PAD, dim=2, epochs=1)
    parts += [called.part(i, n) for i, n in enumerate(("E", "W", "b", "losses"))]
    for part in parts:
        dtype = np.asarray(part.value).dtype
        expect(dtype == np.float64, part, f"{part.label or 'the result'} of dtype {dtype}", "float64",
               "the contract's arrays are float64: convert inputs with np.asarray(..., dtype=float)")
    called = kata.perplexity(E, W, b, X_MIXED, Y_MIXED, PAD)
    expect(isinstance(called.value, float), called, f"returned {show.value(called.value)}", "a Python float",
           "perplexity is one number: float(np.exp(...))")


# ---------------------------------------------------------------- scale

@fixed
def _big_batch(seed, N, L, V, d):
    """A batch of N windows of L ids (a fifth of them padding, some rows all padding), its model,
    and the expected loss and dE, computed through the bag matrix A: A[i, v] = (occurrences of
    word v in row i) / (words in row i), so that h = A @ E and dE = A.T @ (d loss / d h)."""
    r = rng(seed)
    E, W, b = r.normal(size=(V, d)), r.normal(size=(d, V)), r.normal(size=V)
    X = r.integers(1, V, size=(N, L)).astype(np.int32)
    X[r.random((N, L)) < 0.2] = PAD
    X[::97] = PAD
    y = r.integers(1, V, size=N)
    counts = (X != PAD).sum(axis=1)
    A = np.zeros((N, V))
    for j in range(L):
        A[np.arange(N), X[:, j]] += 1.0
    A[:, PAD] = 0.0
    A /= np.maximum(counts, 1)[:, None]
    Z = A @ E @ W + b
    P = np.exp(Z - Z.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    loss = float(np.mean(row_losses(Z, y)))
    P[np.arange(N), y] -= 1.0
    dE = A.T @ (P / N @ W.T)
    return E, W, b, X, y, loss, dE


@pytest.mark.scale(0.4, "correct but too slow: vectorize (gather E[X] for the mean, and scatter the "
                   "gradient with np.add.at or np.bincount, no Python loop over rows)")
def test_scale_loss_and_grads_is_vectorized(kata):
    """loss_and_grads handles 50,000 windows of 16 ids quickly"""
    E, W, b, X, y, loss, dE = _big_batch(24, 50_000, 16, 20, 4)
    called = kata.loss_and_grads(E, W, b, X, y, PAD)
    part = called.part(0, "loss")
    close(part, as_float(part), loss, "the mean cross-entropy of the batch", rtol=1e-9)
    part = called.part(1, "dE")
    close(part, as_array(part, (20, 4)), dE, "repeated ids must accumulate", rtol=1e-6, atol=1e-9)


@fixed
def _long_sentences(seed, sentences, length, context):
    """Sentences of ids 1..999 and their windows (a sliding window over each sentence, padded in front)."""
    r = rng(seed)
    tokens = r.integers(1, 1000, size=(sentences, length)).astype(np.int32)
    padded = np.concatenate([np.zeros((sentences, context), dtype=np.int64), tokens], axis=1)
    X = np.lib.stride_tricks.sliding_window_view(padded, context, axis=1)[:, :length].reshape(-1, context)
    return list(tokens), X.copy(), tokens.reshape(-1).astype(np.int64)


@pytest.mark.scale(0.1, "correct but too slow: vectorize (lay the sentences end to end, each after "
                   "`context` pads, and gather every window with one fancy index)")
def test_scale_context_windows_is_vectorized(kata):
    """context_windows handles half a million words quickly"""
    encoded, X_expected, y_expected = _long_sentences(25, 1000, 500, 2)
    called = kata.context_windows(encoded, 2, PAD)
    X, y = windows_of(called, 500_000, 2)
    equal(called.part(0, "X"), X, X_expected, "the 2 ids before every position, left-padded")
    equal(called.part(1, "y"), y, y_expected, "y[t] is the word at position t")
