"""Hidden suite of kata 3, cooccurrence.

Expected values come from small hand-derived cases, from plain formulas written here
(loops over positions, pairs and matrix entries), from finite differences of a plain loss,
from matrices built with a known SVD, and from properties of training (the loss goes
down, a seed fixes the result, words of one planted topic end up neighbours). The
reference solutions are never used.
"""

import numpy as np
import pytest

from grading.checks import as_array, as_float, as_ints, close, equal, expect, finite, fixed, numerical_gradient, unchanged

KATA = "cooccurrence"


def rng(seed):
    return np.random.default_rng(seed)


def _no_warning(called, why):
    """The call printed no warning (numpy's RuntimeWarnings land in the captured output)."""
    lines = [line.strip() for line in called.output.splitlines() if "Warning" in line]
    if lines:
        expect(False, called, f"printed {lines[0][-120:]!r}", "no warning", why)


def _words(called, expected):
    words = called.part(0, "words").value
    ok = isinstance(words, list) and all(isinstance(w, str) for w in words) and words == expected
    expect(ok, called.part(0, "words"), f"returned words {words!r}"[:200], repr(expected),
           "words sorted by count descending, ties in alphabetical order")


# ---------------------------------------------------------------- build_vocab

def test_build_vocab_sorts_by_count_then_alphabet(kata):
    """build_vocab sorts words by count, ties alphabetically"""
    # c 3, b 3, a 2, e 1, d 1; first seen in the order c, e, a, b, d
    sentences = [["c", "e", "a", "b"], ["b", "c", "d"], ["a", "c", "b"]]
    called = kata.build_vocab(sentences)
    _words(called, ["b", "c", "a", "d", "e"])
    counts = as_ints(called.part(1, "counts"), (5,))
    equal(called.part(1, "counts"), counts, [3, 3, 2, 1, 1], "counts[i] is the number of occurrences of words[i]")


def test_build_vocab_min_count(kata):
    """build_vocab keeps the words that occur at least min_count times"""
    sentences = [["x", "y", "z", "y"], ["z", "w", "y"], ["v"]]
    called = kata.build_vocab(sentences, min_count=2)
    _words(called, ["y", "z"])
    counts = as_ints(called.part(1, "counts"), (2,))
    equal(called.part(1, "counts"), counts, [3, 2], "a word with exactly min_count occurrences is kept")


@pytest.mark.validation
@pytest.mark.parametrize("case, why", [
    ("min_count_zero", "min_count must be an integer >= 1"),
    ("string_sentence", "a sentence is a list of tokens, not a str (iterating it gives characters)"),
])
def test_build_vocab_rejects_bad_input(kata, case, why):
    """build_vocab raises a ValueError for bad input"""
    args = {
        "min_count_zero": ([["a", "b"]], 0),
        "string_sentence": ([["a", "b"], "the cat sat"], 1),
    }[case]
    with kata.raises(why):
        kata.build_vocab(*args)


# ---------------------------------------------------------------- encode

def test_encode_maps_tokens_to_ids(kata):
    """encode gives one int array per sentence, unknown tokens left out"""
    words = ["the", "cat", "sat", "mat"]
    sentences = [["the", "cat", "sat"], ["on", "the", "mat", "the"], ["a", "dog"]]
    called = kata.encode(sentences, words)
    expected = [[0, 1, 2], [0, 3, 0], []]
    value = called.value
    expect(isinstance(value, list) and len(value) == 3, called, f"returned {type(value).__name__} "
           f"of length {len(value) if hasattr(value, '__len__') else '?'}", "a list of 3 arrays",
           "one array per sentence, an empty one when no token is known")
    for i, ids in enumerate(expected):
        part = called.part(i, f"sentence {i}")
        equal(part, as_ints(part, (len(ids),)), ids, "the id of a token is its index in words; "
              "unknown tokens are dropped")


def test_encode_drops_unknown_tokens_before_windows(kata):
    """tokens around a dropped unknown token become neighbours"""
    called = kata.encode([["a", "x", "b", "y", "y", "c"]], ["a", "b", "c"])
    part = called.part(0, "sentence 0")
    ids = as_ints(part, (3,))
    equal(part, ids, [0, 1, 2], "unknown tokens are dropped from the sentence itself")
    called = kata.cooccurrence_matrix([ids], 3, window=1)
    got = as_array(called, (3, 3))
    expected = np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]], dtype=float)
    close(called, got, expected, "with x and y dropped, a-b and b-c are adjacent (window 1)", atol=0)


@pytest.mark.validation
def test_encode_rejects_duplicate_words(kata):
    """encode raises a ValueError when words holds a word twice"""
    with kata.raises("each word of the vocabulary must have one id"):
        kata.encode([["a", "b"]], ["a", "b", "a"])


# ---------------------------------------------------------------- cooccurrence_matrix

def _count(encoded, V, window, weighting):
    """The definition, position by position."""
    C = np.zeros((V, V))
    for sentence in encoded:
        for p in range(len(sentence)):
            for q in range(len(sentence)):
                if p != q and abs(p - q) <= window:
                    C[sentence[p], sentence[q]] += 1.0 if weighting == "uniform" else 1.0 / abs(p - q)
    return C


def test_cooccurrence_uniform_small(kata):
    """cooccurrence_matrix counts every pair within the window once per direction"""
    # positions 0..3 hold words 0 1 2 0; pairs within 2: (0,1) (1,2) (2,3) (0,2) (1,3)
    called = kata.cooccurrence_matrix([np.array([0, 1, 2, 0])], 3, window=2)
    got = as_array(called, (3, 3))
    expected = np.array([[0, 2, 2], [2, 0, 1], [2, 1, 0]], dtype=float)
    close(called, got, expected, "C[w_p, w_q] += 1 for every p != q with |p - q| <= window", atol=0)


def test_cooccurrence_harmonic_small(kata):
    """harmonic weighting adds 1 / |p - q| per pair"""
    called = kata.cooccurrence_matrix([np.array([0, 1, 2, 0])], 3, window=2, weighting="harmonic")
    got = as_array(called, (3, 3))
    expected = np.array([[0, 1.5, 1.5], [1.5, 0, 1], [1.5, 1, 0]])
    close(called, got, expected, "a pair at distance 1 adds 1, at distance 2 adds 1/2", atol=1e-12)


def test_cooccurrence_windows_never_cross_sentences(kata):
    """windows stop at the end of a sentence"""
    called = kata.cooccurrence_matrix([np.array([0, 1]), np.array([2, 3]), np.array([1])], 4, window=3)
    got = as_array(called, (4, 4))
    expected = np.zeros((4, 4))
    expected[0, 1] = expected[1, 0] = expected[2, 3] = expected[3, 2] = 1.0
    close(called, got, expected, "the last word of one sentence and the first of the next are not neighbours",
          atol=0)


def test_cooccurrence_window_edge_is_included(kata):
    """a pair exactly window apart is counted, one further is not"""
    called = kata.cooccurrence_matrix([np.array([0, 1, 2, 3])], 4, window=2)
    got = as_array(called, (4, 4))
    expected = np.array([[0, 1, 1, 0], [1, 0, 1, 1], [1, 1, 0, 1], [0, 1, 1, 0]], dtype=float)
    close(called, got, expected, "|p - q| <= window: distance 2 counts with window=2, distance 3 does not",
          atol=0)


def test_cooccurrence_repeated_word_on_the_diagonal(kata):
    """a word twice within a window adds 2 to its diagonal entry"""
    called = kata.cooccurrence_matrix([np.array([2, 2, 2]), np.array([1, 0, 1])], 3, window=2)
    got = as_array(called, (3, 3))
    # 2 2 2: three pairs of positions, each counted as (p, q) and (q, p); 1 0 1: one pair of 1s
    expected = np.array([[0, 2, 0], [2, 2, 0], [0, 0, 6]], dtype=float)
    close(called, got, expected, "the ordered pairs (p, q) and (q, p) both add to C[w, w]", atol=0)


@pytest.mark.parametrize("weighting", ["uniform", "harmonic"])
def test_cooccurrence_matches_the_definition(kata, weighting):
    """cooccurrence_matrix matches the definition on a random corpus"""
    r = rng(1)
    encoded = [r.integers(0, 7, size=n) for n in (9, 0, 1, 12, 5, 3)]
    called = kata.cooccurrence_matrix(encoded, 7, window=3, weighting=weighting)
    got = as_array(called, (7, 7))
    close(called, got, _count(encoded, 7, 3, weighting), f"{weighting} counts over all pairs p != q of a "
          "sentence with |p - q| <= window", atol=1e-12)


@pytest.mark.validation
@pytest.mark.parametrize("case, why", [
    ("id_too_large", "ids must be < vocab_size"),
    ("negative_id", "a negative id is an error, not numpy's wrap-around"),
    ("float_ids", "ids must be integers"),
    ("window_zero", "window must be an integer >= 1"),
    ("bad_weighting", 'weighting must be "uniform" or "harmonic"'),
    ("sentence_2d", "each sentence must be a 1-D array of ids"),
])
def test_cooccurrence_rejects_bad_input(kata, case, why):
    """cooccurrence_matrix raises a ValueError for bad input"""
    ok = [np.array([0, 1, 2])]
    args, kwargs = {
        "id_too_large": (([np.array([0, 3])], 3), {}),
        "negative_id": (([np.array([0, -1])], 3), {}),
        "float_ids": (([np.array([0.0, 1.0])], 3), {}),
        "window_zero": ((ok, 3), {"window": 0}),
        "bad_weighting": ((ok, 3), {"weighting": "linear"}),
        "sentence_2d": (([np.array([[0, 1], [1, 2]])], 3), {}),
    }[case]
    with kata.raises(why):
        kata.cooccurrence_matrix(*args, **kwargs)


# ---------------------------------------------------------------- ppmi

def _ppmi_formula(C, alpha, shift):
    """PPMI entry by entry, straight from the definition."""
    C = np.asarray(C, dtype=float)
    N, rows, cols = C.sum(), C.sum(axis=1), C.sum(axis=0)
    p_context = cols ** alpha / np.sum(cols ** alpha)
    out = np.zeros(C.shape)
    for w in range(C.shape[0]):
        for c in range(C.shape[1]):
            if C[w, c] > 0:
                pmi = np.log((C[w, c] / N) / ((rows[w] / N) * p_context[c]))
                out[w, c] = max(pmi - np.log(shift), 0.0)
    return out


# word-by-context counts: not symmetric, a zero row, a zero column, zeros inside
COUNTS = np.array([[10, 0, 3, 0, 1],
                   [2, 7, 0, 0, 9],
                   [0, 0, 0, 0, 0],
                   [1, 4, 6, 0, 2],
                   [5, 1, 0, 0, 30]], dtype=float)


@pytest.mark.side
def test_ppmi_takes_no_log_of_zero(kata):
    """ppmi gives zeros for zero counts and empty rows, without warnings"""
    called = kata.ppmi(COUNTS)
    got = as_array(called, (5, 5))
    finite(called, got, "an empty row or column must give zeros, not 0/0 = NaN")
    expect(np.all(got[COUNTS == 0] == 0), called, "a nonzero entry where C is 0", "0 wherever C is 0",
           "PPMI is defined as 0 where nothing was counted")
    _no_warning(called, "take the log only where C > 0 (np.where still evaluates np.log(0) everywhere)")


def test_ppmi_matches_the_formula(kata):
    """ppmi matches the formula with the default alpha = 0.75"""
    called = kata.ppmi(COUNTS)
    got = as_array(called, (5, 5))
    close(called, got, _ppmi_formula(COUNTS, 0.75, 1.0), "P_alpha(c) = colsum(c)**alpha / sum(colsum**alpha) "
          "smooths the context (column) marginal only", rtol=1e-7, atol=1e-9)


def test_ppmi_alpha_one_is_plain_pmi(kata):
    """ppmi with alpha = 1 is the clipped plain PMI"""
    called = kata.ppmi(COUNTS, alpha=1.0)
    got = as_array(called, (5, 5))
    close(called, got, _ppmi_formula(COUNTS, 1.0, 1.0), "PMI = log(P(w,c) / (P(w) P(c))) clipped at 0",
          rtol=1e-7, atol=1e-9)


def test_ppmi_shift_subtracts_log_k(kata):
    """ppmi with shift = k subtracts log k before clipping"""
    called = kata.ppmi(COUNTS, alpha=0.75, shift=2.0)
    got = as_array(called, (5, 5))
    close(called, got, _ppmi_formula(COUNTS, 0.75, 2.0), "result = max(PMI - log(shift), 0)",
          rtol=1e-7, atol=1e-9)


@pytest.mark.side
def test_ppmi_of_zeros_is_zeros(kata):
    """ppmi of an all-zero matrix is all zeros"""
    called = kata.ppmi(np.zeros((3, 3)))
    got = as_array(called, (3, 3))
    close(called, got, np.zeros((3, 3)), "nothing counted: every entry is 0, not 0/0 = NaN", atol=0)


@pytest.mark.validation
@pytest.mark.parametrize("case, why", [
    ("negative_count", "counts are never negative"),
    ("not_2d", "C must be a 2-D matrix"),
    ("shift_zero", "shift must be > 0: its log is subtracted"),
    ("alpha_zero", "alpha must be > 0"),
])
def test_ppmi_rejects_bad_input(kata, case, why):
    """ppmi raises a ValueError for bad input"""
    C = np.array([[1.0, 2.0], [3.0, 0.0]])
    args, kwargs = {
        "negative_count": ((np.array([[1.0, -2.0], [3.0, 0.0]]),), {}),
        "not_2d": ((np.array([1.0, 2.0]),), {}),
        "shift_zero": ((C,), {"shift": 0.0}),
        "alpha_zero": ((C,), {"alpha": 0.0}),
    }[case]
    with kata.raises(why):
        kata.ppmi(*args, **kwargs)


# ---------------------------------------------------------------- svd_embeddings

def _known_svd(seed, n, m, s):
    """M = Q1 diag(s) Q2^T with orthonormal Q1 (n, k), Q2 (m, k) and chosen singular values s."""
    r = rng(seed)
    k = len(s)
    Q1 = np.linalg.qr(r.normal(size=(n, k)))[0]
    Q2 = np.linalg.qr(r.normal(size=(m, k)))[0]
    return Q1 @ np.diag(s) @ Q2.T, Q1


S_VALUES = np.array([9.0, 5.0, 3.0, 1.5, 0.5])


def test_svd_embeddings_gram_matrix(kata):
    """svd_embeddings gives E E^T = U_k S_k U_k^T for power 0.5"""
    M, Q1 = _known_svd(2, 7, 5, S_VALUES)
    called = kata.svd_embeddings(M, 3)
    got = as_array(called, (7, 3))
    Uk = Q1[:, :3]
    close(called, got @ got.T, Uk @ np.diag(S_VALUES[:3]) @ Uk.T, "E = U[:, :dim] * S[:dim] ** 0.5, so "
          "E E^T = U_k S_k U_k^T whatever the signs", rtol=1e-6, atol=1e-8)


def test_svd_embeddings_power_scales_the_columns(kata):
    """svd_embeddings gives columns of norm s ** power, orthogonal to each other"""
    M, _ = _known_svd(3, 6, 6, S_VALUES)
    for power in (1.0, 0.25):
        called = kata.svd_embeddings(M, 4, power=power)
        got = as_array(called, (6, 4))
        close(called, got.T @ got, np.diag(S_VALUES[:4] ** (2 * power)), f"E^T E = diag(S[:dim] ** "
              f"(2 * power)): column j is U[:, j] * S[j] ** power (power={power})", rtol=1e-6, atol=1e-8)


def test_svd_embeddings_power_zero_spans_the_top_subspace(kata):
    """svd_embeddings with power 0 gives orthonormal columns spanning the top-k left singular vectors"""
    M, Q1 = _known_svd(4, 8, 5, S_VALUES)
    called = kata.svd_embeddings(M, 2, power=0.0)
    got = as_array(called, (8, 2))
    Uk = Q1[:, :2]
    close(called, got @ got.T, Uk @ Uk.T, "power 0 keeps U[:, :dim] alone: the top dim LEFT singular "
          "vectors (of the largest singular values)", rtol=1e-6, atol=1e-8)


def test_svd_embeddings_uses_left_singular_vectors(kata):
    """svd_embeddings of a non-symmetric square matrix uses U, not V"""
    r = rng(5)
    Q1 = np.linalg.qr(r.normal(size=(5, 5)))[0]
    Q2 = np.linalg.qr(r.normal(size=(5, 5)))[0]
    M = Q1 @ np.diag(S_VALUES) @ Q2.T
    called = kata.svd_embeddings(M, 3, power=1.0)
    got = as_array(called, (5, 3))
    Uk = Q1[:, :3]
    close(called, got @ got.T, Uk @ np.diag(S_VALUES[:3] ** 2) @ Uk.T, "rows of M are words: take the left "
          "singular vectors U (np.linalg.svd returns V transposed as its third result)", rtol=1e-6, atol=1e-8)


@pytest.mark.validation
@pytest.mark.parametrize("case, why", [
    ("dim_zero", "dim must be at least 1"),
    ("dim_too_large", "dim can be at most min(M.shape)"),
    ("not_2d", "M must be a 2-D matrix"),
    ("negative_power", "power must be >= 0"),
])
def test_svd_embeddings_rejects_bad_input(kata, case, why):
    """svd_embeddings raises a ValueError for bad input"""
    M = np.arange(12.0).reshape(4, 3)
    args, kwargs = {
        "dim_zero": ((M, 0), {}),
        "dim_too_large": ((M, 4), {}),
        "not_2d": ((np.arange(4.0), 1), {}),
        "negative_power": ((M, 2), {"power": -0.5}),
    }[case]
    with kata.raises(why):
        kata.svd_embeddings(*args, **kwargs)


# ---------------------------------------------------------------- sgns_loss_and_grads

def _sgns_loss(W_in, W_out, centers, contexts, negatives):
    """The batch-mean SGNS loss, pair by pair; -log sigmoid(x) = logaddexp(0, -x)."""
    total = 0.0
    for c, o, negs in zip(centers, contexts, negatives):
        v = W_in[c]
        total += np.logaddexp(0.0, -(W_out[o] @ v))
        for k in negs:
            total += np.logaddexp(0.0, W_out[k] @ v)
    return total / len(centers)


def _sgns_batch(seed, V=6, d=4, scale=0.5):
    r = rng(seed)
    W_in = r.normal(scale=scale, size=(V, d))
    W_out = r.normal(scale=scale, size=(V, d))
    # center 0 and 2 twice; negatives equal to the pair's context (1, 3) and repeated (3, 3)
    centers = np.array([0, 2, 0, 5, 2])
    contexts = np.array([1, 1, 3, 0, 4])
    negatives = np.array([[1, 3, 3], [4, 5, 0], [3, 2, 2], [1, 1, 4], [0, 5, 1]])
    return W_in, W_out, centers, contexts, negatives


def test_sgns_loss_matches_the_formula(kata):
    """sgns_loss_and_grads returns the batch-mean loss"""
    batch = _sgns_batch(6)
    called = kata.sgns_loss_and_grads(*batch)
    loss = as_float(called.part(0, "loss"))
    close(called.part(0, "loss"), loss, _sgns_loss(*batch), "loss = mean over pairs of -log sigmoid(u.v) "
          "- sum_k log sigmoid(-u_k.v)", rtol=1e-9)


def test_sgns_grad_W_in_matches_finite_differences(kata):
    """dW_in is the gradient of the loss, as finite differences measure it"""
    W_in, W_out, centers, contexts, negatives = batch = _sgns_batch(7)
    numeric = numerical_gradient(lambda W: _sgns_loss(W, W_out, centers, contexts, negatives), W_in)
    called = kata.sgns_loss_and_grads(*batch)
    got = as_array(called.part(1, "dW_in"), W_in.shape)
    close(called.part(1, "dW_in"), got, numeric, "row v of dW_in sums (sigmoid(u.v) - 1) u + "
          "sum_k sigmoid(u_k.v) u_k over the pairs centered on v, divided by B", rtol=1e-5, atol=1e-7)


def test_sgns_grad_W_out_matches_finite_differences(kata):
    """dW_out is the gradient of the loss, as finite differences measure it"""
    W_in, W_out, centers, contexts, negatives = batch = _sgns_batch(8)
    numeric = numerical_gradient(lambda W: _sgns_loss(W_in, W, centers, contexts, negatives), W_out)
    called = kata.sgns_loss_and_grads(*batch)
    got = as_array(called.part(2, "dW_out"), W_out.shape)
    close(called.part(2, "dW_out"), got, numeric, "a context row gets (sigmoid(u.v) - 1) v / B, a negative "
          "row sigmoid(u_k.v) v / B, every occurrence added", rtol=1e-5, atol=1e-7)


def test_sgns_repeated_ids_accumulate(kata):
    """sgns_loss_and_grads adds up the gradients of repeated ids"""
    r = rng(9)
    W_in, W_out = r.normal(size=(4, 3)), r.normal(size=(4, 3))
    centers = np.array([3, 3, 3])
    contexts = np.array([1, 1, 2])
    negatives = np.array([[1, 2], [2, 2], [1, 1]])
    args = (W_in, W_out, centers, contexts, negatives)
    called = kata.sgns_loss_and_grads(*args)
    got_in = as_array(called.part(1, "dW_in"), (4, 3))
    got_out = as_array(called.part(2, "dW_out"), (4, 3))
    why = "repeated ids must accumulate (dW[ids] += g keeps only one of them; use np.add.at)"
    close(called.part(1, "dW_in"), got_in,
          numerical_gradient(lambda W: _sgns_loss(W, W_out, centers, contexts, negatives), W_in), why,
          rtol=1e-5, atol=1e-7)
    close(called.part(2, "dW_out"), got_out,
          numerical_gradient(lambda W: _sgns_loss(W_in, W, centers, contexts, negatives), W_out), why,
          rtol=1e-5, atol=1e-7)


def test_sgns_is_stable_for_huge_dot_products(kata):
    """sgns_loss_and_grads stays finite when |u.v| is 10,000"""
    W_in = np.array([[100.0, 0.0], [0.0, 100.0]])
    W_out = np.array([[100.0, 0.0], [-100.0, 0.0], [0.0, 100.0], [0.0, -100.0]])
    centers = np.array([0, 1])
    contexts = np.array([0, 3])        # pair 0: u.v = +1e4 (easy), pair 1: u.v = -1e4 (badly wrong)
    negatives = np.array([[1, 1], [2, 0]])  # pair 0: u_k.v = -1e4 (easy); pair 1: +1e4 and 0
    called = kata.sgns_loss_and_grads(W_in, W_out, centers, contexts, negatives)
    loss = as_float(called.part(0, "loss"))
    d_in = as_array(called.part(1, "dW_in"), (2, 2))
    d_out = as_array(called.part(2, "dW_out"), (4, 2))
    for part, got in ((called.part(0, "loss"), loss), (called.part(1, "dW_in"), d_in),
                      (called.part(2, "dW_out"), d_out)):
        finite(part, got, "-log sigmoid(x) = logaddexp(0, -x) and a sigmoid that never computes exp(+large)")
    # pair 1: -log sigmoid(-1e4) = 1e4, -log sigmoid(-1e4) = 1e4 for negative 2, log 2 for negative 0
    close(called.part(0, "loss"), loss, (2e4 + np.log(2.0)) / 2, "-log sigmoid(x) is about -x for very "
          "negative x, not inf", rtol=1e-9)
    # saturated sigmoids are exactly 0 or 1: pair 0 sends nothing; pair 1 sends -u_3 + u_2 + u_0 / 2 to
    # its center and -v, +v, +v / 2 to rows 3, 2 and 0; everything divided by B = 2
    why = "sigmoid(x) - 1 is -1 for very negative x, and sigmoid(x) is 1 for very positive x"
    close(called.part(1, "dW_in"), d_in, np.array([[0.0, 0.0], [50.0, 200.0]]) / 2, why, rtol=1e-9, atol=1e-9)
    close(called.part(2, "dW_out"), d_out, np.array([[0.0, 50.0], [0.0, 0.0], [0.0, 100.0], [0.0, -100.0]]) / 2,
          why, rtol=1e-9, atol=1e-9)
    _no_warning(called, "compute log-sigmoid and sigmoid without overflow (np.logaddexp, exp of -|x| only)")


@pytest.mark.parametrize("case", ["negatives (B, 0) of int", "negatives [[], ...]"])
def test_sgns_without_negatives(kata, case):
    """sgns_loss_and_grads with K = 0 negatives has the positive term only"""
    W_in, W_out, centers, contexts, _ = _sgns_batch(10)
    negatives = np.zeros((5, 0), dtype=np.int64) if case.endswith("of int") else [[]] * 5
    none = np.zeros((5, 0), dtype=np.int64)
    called = kata.sgns_loss_and_grads(W_in, W_out, centers, contexts, negatives)
    loss = as_float(called.part(0, "loss"))
    close(called.part(0, "loss"), loss, _sgns_loss(W_in, W_out, centers, contexts, none),
          "with no negatives the loss is the mean of -log sigmoid(u.v) alone (an empty sum adds 0; "
          "check the ids' range only when there are ids)", rtol=1e-9)
    got_in = as_array(called.part(1, "dW_in"), W_in.shape)
    close(called.part(1, "dW_in"), got_in,
          numerical_gradient(lambda W: _sgns_loss(W, W_out, centers, contexts, none), W_in),
          "only the context term pulls each center: (sigmoid(u.v) - 1) u / B", rtol=1e-5, atol=1e-7)
    got_out = as_array(called.part(2, "dW_out"), W_out.shape)
    close(called.part(2, "dW_out"), got_out,
          numerical_gradient(lambda W: _sgns_loss(W_in, W, centers, contexts, none), W_out),
          "only the context rows get a gradient, (sigmoid(u.v) - 1) v / B", rtol=1e-5, atol=1e-7)


@pytest.mark.validation
@pytest.mark.parametrize("case, why", [
    ("length_mismatch", "centers and contexts must have the same length B"),
    ("negatives_rows", "negatives must have shape (B, K)"),
    ("context_out_of_range", "ids must be < the number of rows of W_out"),
    ("negative_id", "a negative id is an error, not numpy's wrap-around"),
    ("columns_differ", "W_in and W_out must have the same number of columns"),
])
def test_sgns_rejects_bad_input(kata, case, why):
    """sgns_loss_and_grads raises a ValueError for bad input"""
    W = np.ones((4, 3))
    c, o, n = np.array([0, 1]), np.array([2, 3]), np.array([[1], [2]])
    args = {
        "length_mismatch": (W, W, c, np.array([2, 3, 1]), n),
        "negatives_rows": (W, W, c, o, np.array([[1], [2], [3]])),
        "context_out_of_range": (W, W, c, np.array([2, 4]), n),
        "negative_id": (W, W, c, o, np.array([[1], [-1]])),
        "columns_differ": (W, np.ones((4, 2)), c, o, n),
    }[case]
    with kata.raises(why):
        kata.sgns_loss_and_grads(*args)


# ---------------------------------------------------------------- train_sgns

def _topic_corpus(seed, topics=4, per_topic=16, stop_words=3, sentences=300, length=12, p_stop=0.2):
    """Sentences that each draw their words from one planted topic, plus stop words shared by all.

    Word t * per_topic + j belongs to topic t; the last stop_words ids belong to none (-1)."""
    r = rng(seed)
    n_content = topics * per_topic
    encoded = []
    for _ in range(sentences):
        words = r.integers(topics) * per_topic + r.integers(per_topic, size=length)
        stop = r.random(length) < p_stop
        encoded.append(np.where(stop, n_content + r.integers(stop_words, size=length), words))
    topic = np.concatenate([np.repeat(np.arange(topics), per_topic), -np.ones(stop_words, dtype=int)])
    return encoded, n_content + stop_words, topic


def _topic_precision(E, topic, k=5):
    """Mean over topic words of the share of their k cosine-nearest words (self excluded) in their topic."""
    norms = np.linalg.norm(E, axis=1, keepdims=True)
    unit = E / np.maximum(norms, 1e-12)
    sims = unit @ unit.T
    np.fill_diagonal(sims, -np.inf)
    nearest = np.argsort(-sims, axis=1, kind="stable")[:, :k]
    words = np.flatnonzero(topic >= 0)
    return float(np.mean(topic[nearest[words]] == topic[words, None]))


def test_train_sgns_returns_embeddings_and_losses(kata):
    """train_sgns returns W_in (vocab_size, dim) and one loss per epoch, the first (1 + K) log 2"""
    # 26 training pairs: one minibatch per epoch, taken while W_out is still all zeros
    encoded = [np.array([0, 1, 2, 1, 0, 3]), np.array([2, 3, 4]), np.array([4, 0])]
    called = kata.train_sgns(encoded, 6, dim=5, window=2, negatives=3, epochs=3, seed=1)
    W = as_array(called.part(0, "W_in"), (6, 5))
    losses = as_array(called.part(1, "losses"), (3,))
    finite(called.part(0, "W_in"), W, "training must not blow up on a tiny corpus")
    finite(called.part(1, "losses"), losses, "each epoch's mean loss is a finite number")
    expect(np.all(losses > 0), called.part(1, "losses"), f"losses {np.round(losses, 4)}", "positive losses",
           "-log sigmoid(x) > 0 for every x, so every mean loss is positive")
    close(called.part(1, "losses"), losses[0], 4 * np.log(2.0), "losses[0] is taken before the first step, "
          "while W_out is zeros: every score is 0 and each pair loses (1 + K) log 2", rtol=1e-9)


def test_train_sgns_lowers_the_loss(kata):
    """train_sgns lowers the mean loss from the first epoch to the last"""
    encoded, V, _ = _topic_corpus(10, sentences=120)
    called = kata.train_sgns(encoded, V, dim=8, window=2, negatives=5, epochs=4, lr=0.025, seed=0)
    losses = as_array(called.part(1, "losses"), (4,))
    finite(called.part(1, "losses"), losses, "each epoch's mean loss is a finite number")
    expect(np.all(losses > 0), called.part(1, "losses"), f"losses {np.round(losses, 4)}", "positive losses",
           "-log sigmoid(x) > 0 for every x, so every mean loss is positive")
    expect(losses[-1] < 0.9 * losses[0] and losses[1] < losses[0], called.part(1, "losses"),
           f"losses {np.round(losses, 4)}", "a clear decrease after the first epoch",
           "each SGD step moves the rows against the gradient of the batch loss")


@pytest.mark.side
def test_train_sgns_is_deterministic_for_a_seed(kata):
    """train_sgns gives the same W_in for the same seed and another for another seed"""
    encoded = [np.array([0, 1, 2, 3, 1, 0]), np.array([3, 2, 4, 4, 1]), np.array([0, 4, 2])]
    first = kata.train_sgns(encoded, 5, dim=4, window=2, negatives=2, epochs=2, seed=3)
    W1 = as_array(first.part(0, "W_in"), (5, 4))
    again = kata.train_sgns(encoded, 5, dim=4, window=2, negatives=2, epochs=2, seed=3)
    W2 = as_array(again.part(0, "W_in"), (5, 4))
    equal(again.part(0, "W_in"), W2, W1, "every random draw must come from np.random.default_rng(seed)")
    other = kata.train_sgns(encoded, 5, dim=4, window=2, negatives=2, epochs=2, seed=4)
    W3 = as_array(other.part(0, "W_in"), (5, 4))
    expect(not np.allclose(W3, W1), other.part(0, "W_in"), "the same W_in as seed=3", "a different W_in",
           "the seed must drive the initialization, the shuffling and the negatives")


def test_ppmi_svd_neighbours_share_their_topic(kata):
    """PPMI -> SVD puts words of one topic next to each other"""
    encoded, V, topic = _topic_corpus(7)
    counted = kata.cooccurrence_matrix(encoded, V, window=2)
    C = as_array(counted, (V, V))
    weighted = kata.ppmi(C)
    M = as_array(weighted, (V, V))
    called = kata.svd_embeddings(M, 8)
    E = as_array(called, (V, 8))
    precision = _topic_precision(E, topic)
    expect(precision >= 0.9, called, f"a precision@5 of {precision:.2f} for the topic of the neighbours",
           "at least 0.90", "words of one planted topic share their contexts, so counts -> PPMI -> SVD "
           "should make them cosine neighbours")


def test_sgns_neighbours_share_their_topic(kata):
    """train_sgns puts words of one topic next to each other"""
    encoded, V, topic = _topic_corpus(7)
    called = kata.train_sgns(encoded, V, dim=16, window=2, negatives=5, epochs=4, lr=0.025, seed=0)
    W = as_array(called.part(0, "W_in"), (V, 16))
    finite(called.part(0, "W_in"), W, "training must not blow up")
    precision = _topic_precision(W, topic)
    expect(precision >= 0.9, called.part(0, "W_in"), f"a precision@5 of {precision:.2f} for the topic of "
           "the neighbours", "at least 0.90", "words of one planted topic share their contexts, so SGNS "
           "should make them cosine neighbours")


@pytest.mark.validation
@pytest.mark.parametrize("case, why", [
    ("id_too_large", "ids must be < vocab_size"),
    ("dim_zero", "dim must be an integer >= 1"),
    ("no_pairs", "sentences of fewer than 2 tokens give no pair to train on"),
    ("seed_not_int", "seed must be an integer >= 0 (0.5 is not a seed: np.random.default_rng would take it)"),
])
def test_train_sgns_rejects_bad_input(kata, case, why):
    """train_sgns raises a ValueError for bad input"""
    ok = [np.array([0, 1, 2])]
    args, kwargs = {
        "id_too_large": (([np.array([0, 3])], 3), {}),
        "dim_zero": ((ok, 3), {"dim": 0}),
        "no_pairs": (([np.array([0]), np.array([1]), np.array([], dtype=int)], 3), {}),
        "seed_not_int": ((ok, 3), {"seed": 0.5}),
    }[case]
    with kata.raises(why):
        kata.train_sgns(*args, **kwargs)


# ---------------------------------------------------------------- contract-wide

@pytest.mark.side
def test_inputs_are_left_unchanged(kata):
    """no function changes its inputs in place"""
    r = rng(11)
    sentences = [["b", "a", "c"], ["a", "b"]]
    encoded = [np.array([1, 0, 2, 0]), np.array([2, 1])]
    C = np.array([[0.0, 2.0, 1.0], [2.0, 4.0, 0.0], [1.0, 0.0, 0.0]])
    W_in, W_out = r.normal(size=(3, 2)), r.normal(size=(3, 2))
    for called in (kata.build_vocab(sentences), kata.encode(sentences, ["a", "b"]),
                   kata.cooccurrence_matrix(encoded, 3), kata.ppmi(C), kata.svd_embeddings(C, 2),
                   kata.sgns_loss_and_grads(W_in, W_out, np.array([0, 0]), np.array([1, 2]),
                                            np.array([[2, 2], [1, 0]])),
                   kata.train_sgns(encoded, 3, dim=2, epochs=1)):
        unchanged(called)


@pytest.mark.side
def test_results_are_float64(kata):
    """matrix results come back as float64 arrays"""
    C = np.array([[0, 2, 1], [2, 0, 1], [1, 1, 0]], dtype=np.int32)
    W = np.ones((3, 2), dtype=np.float32)
    calls = [(kata.cooccurrence_matrix([np.array([0, 1], dtype=np.int32)], 3), None),
             (kata.ppmi(C), None), (kata.svd_embeddings(C, 2), None)]
    sgns = kata.sgns_loss_and_grads(W, W, np.array([0]), np.array([1]), np.array([[2]]))
    calls += [(sgns, 1), (sgns, 2)]
    for called, index in calls:
        value = called.value if index is None else called.part(index, ["", "dW_in", "dW_out"][index]).value
        dtype = np.asarray(value).dtype
        expect(dtype == np.float64, called, f"returned dtype {dtype}", "float64",
               "the contract's arrays are float64 (convert inputs with np.asarray(..., dtype=float))")


# ---------------------------------------------------------------- scale

@fixed
def _zipf_tokens(seed, V, n, per_sentence):
    r = rng(seed)
    p = 1.0 / np.arange(1, V + 1)
    tokens = r.choice(V, size=n, p=p / p.sum()).astype(np.int32)
    return list(tokens.reshape(-1, per_sentence))


@fixed
def _harmonic_counts(seed, V, n, per_sentence, window):
    tokens = np.stack(_zipf_tokens(seed, V, n, per_sentence)).astype(np.int64)
    expected = np.zeros(V * V)
    for offset in range(1, window + 1):
        left, right = tokens[:, :-offset].ravel(), tokens[:, offset:].ravel()
        expected += np.bincount(left * V + right, minlength=V * V) / offset
    expected = expected.reshape(V, V)
    return expected + expected.T


@pytest.mark.scale(0.3, "correct but too slow: vectorize (for each offset 1..window, pair the "
                   "positions p and p + offset of one sentence at once; np.bincount or np.add.at)")
def test_scale_cooccurrence_matrix_is_vectorized(kata):
    """cooccurrence_matrix counts half a million tokens quickly"""
    V, window = 500, 4
    encoded = _zipf_tokens(12, V, 500_000, 1000)
    called = kata.cooccurrence_matrix(encoded, V, window=window, weighting="harmonic")
    got = as_array(called, (V, V))
    close(called, got, _harmonic_counts(12, V, 500_000, 1000, window), "harmonic counts over all pairs of a sentence within the window",
          rtol=1e-9, atol=1e-9)


@fixed
def _topic_tokens(seed, V, n, per_sentence, topics):
    """Sentences of Zipf-distributed words, each sentence from one of `topics` blocks of V // topics ids."""
    r = rng(seed)
    size = V // topics
    p = 1.0 / np.arange(1, size + 1)
    topic = r.integers(topics, size=n // per_sentence)
    tokens = topic[:, None] * size + r.choice(size, size=(n // per_sentence, per_sentence), p=p / p.sum())
    return list(tokens.astype(np.int32)), np.repeat(np.arange(topics), size)


def _topic_gap(E, topic):
    """The mean cosine of two distinct words of one topic minus that of two words of different topics."""
    unit = E / np.maximum(np.linalg.norm(E, axis=1, keepdims=True), 1e-12)
    sims = unit @ unit.T
    same = topic[:, None] == topic[None, :]
    np.fill_diagonal(same, False)
    return float(sims[same].mean() - sims[topic[:, None] != topic[None, :]].mean())


@pytest.mark.scale(1.0, "correct but too slow: vectorize (a whole minibatch of pairs at a time: "
                   "gather rows, batched dot products, np.add.at for the updates)")
def test_scale_train_sgns_is_vectorized(kata):
    """train_sgns runs an epoch over 100,000 tokens quickly"""
    V = 1000
    encoded, topic = _topic_tokens(13, V, 100_000, 1000, 4)
    called = kata.train_sgns(encoded, V, dim=4, window=2, negatives=1, epochs=1, seed=0)
    W = as_array(called.part(0, "W_in"), (V, 4))
    finite(called.part(0, "W_in"), W, "training must not blow up")
    losses = as_array(called.part(1, "losses"), (1,))
    finite(called.part(1, "losses"), losses, "the epoch's mean loss is a finite number")
    gap = _topic_gap(W, topic)
    expect(gap >= 0.5, called.part(0, "W_in"), f"mean cosine within a topic minus across topics {gap:.2f}",
           "at least 0.5", "each sentence holds words of one of 4 topics: one epoch of SGNS should pull "
           "the words of a topic together")
