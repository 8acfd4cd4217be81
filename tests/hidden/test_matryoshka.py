"""Hidden suite of kata 7, matryoshka.

Expected values come from plain formulas written here (the prefix InfoNCE loss written out
with numpy, the two passes of the funnel with Python sorting), from finite differences that
the judge computes on those formulas (never on the learner's own loss), from identities
(one prefix is plain InfoNCE, a zero weight drops its term) and from small hand-derived
cases; never from solutions/.
"""

import numpy as np
import pytest

from grading.checks import as_array, as_float, as_ints, close, equal, expect, finite, fixed, numerical_gradient, unchanged

KATA = "matryoshka"

GRAD_WHY = ("must match finite differences of the loss: prefix m's gradient goes through its own "
            "normalization of z[:, :m], times w_m, into columns 0..m-1")


def rng(seed):
    return np.random.default_rng(seed)


# ---------------------------------------------------------------- plain formulas

def unit(X):
    """Rows scaled to length 1; zero rows stay zero."""
    X = np.asarray(X, dtype=float)
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    return np.divide(X, norms, out=np.zeros_like(X), where=norms > 0)


def plain_info_nce(z1, z2, temperature):
    S = unit(z1) @ unit(z2).T / temperature
    m = S.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(S - m).sum(axis=1))
    return float(np.mean(lse - np.diag(S)))


def plain_matryoshka(z1, z2, dims, temperature, weights=None):
    """sum over m of w_m * InfoNCE(z1[:, :m], z2[:, :m]), each prefix normalized on its own."""
    if weights is None:
        weights = [1.0] * len(dims)
    elif isinstance(weights, dict):
        weights = [weights[m] for m in dims]
    return sum(w * plain_info_nce(z1[:, :m], z2[:, :m], temperature) for m, w in zip(dims, weights))


def ranking(scores, k, among=None):
    """Indices of the k highest scores, best first, ties to the lower index (plain Python)."""
    among = range(len(scores)) if among is None else among
    return sorted(among, key=lambda j: (-scores[j], j))[:k]


def plain_funnel(Q, K, k, coarse_dim, shortlist):
    coarse = unit(Q[:, :coarse_dim]) @ unit(K[:, :coarse_dim]).T
    full = unit(Q) @ unit(K).T
    return np.array([ranking(full[i], k, among=ranking(coarse[i], shortlist)) for i in range(len(Q))])


def batch(seed, B, d):
    """Two (B, d) batches whose columns have different scales, so each prefix has its own norm."""
    r = rng(seed)
    scales = r.uniform(0.3, 3.0, size=(2, 1, d))
    return r.normal(size=(B, d)) * scales[0], r.normal(size=(B, d)) * scales[1]


def grad_parts(called, B, d):
    loss = as_float(called.part(0, "loss"))
    dz1 = as_array(called.part(1, "dz1"), (B, d))
    dz2 = as_array(called.part(2, "dz2"), (B, d))
    return loss, dz1, dz2


@fixed
def plain_gradients(z1, z2, dims, temperature, weights=None):
    """Central differences of plain_matryoshka with respect to z1 and to z2."""
    return (numerical_gradient(lambda z: plain_matryoshka(z, z2, dims, temperature, weights), z1),
            numerical_gradient(lambda z: plain_matryoshka(z1, z, dims, temperature, weights), z2))


def check_gradients(called, z1, z2, dims, temperature, weights=None, why=GRAD_WHY):
    B, d = z1.shape
    _, dz1, dz2 = grad_parts(called, B, d)
    num1, num2 = plain_gradients(z1, z2, dims, temperature, weights)
    atol = 1e-6 * max(np.abs(num1).max(), np.abs(num2).max(), 1.0)
    close(called.part(1, "dz1"), dz1, num1, f"dz1 {why}", rtol=1e-5, atol=atol)
    close(called.part(2, "dz2"), dz2, num2, f"dz2 {why}", rtol=1e-5, atol=atol)


# ---------------------------------------------------------------- truncate

@pytest.mark.parametrize("dim", [1, 3])
def test_truncate_renormalizes_the_prefix(kata, dim):
    """truncate keeps the first dim columns and scales each row of them to length 1"""
    Z = rng(1).normal(size=(6, 5)) * rng(2).uniform(0.2, 4.0, size=(6, 5))
    called = kata.truncate(Z, dim)
    got = as_array(called, (6, dim))
    close(called, got, unit(Z[:, :dim]), "row i is Z[i, :dim] / ||Z[i, :dim]||: the prefix divided by its own "
          "length, not by the length of the whole row")


def test_truncate_of_unit_rows_is_renormalized(kata):
    """truncate of unit vectors returns unit vectors"""
    Z = unit(rng(3).normal(size=(5, 6)))
    called = kata.truncate(Z, 2)
    got = as_array(called, (5, 2))
    close(called, got, unit(Z[:, :2]), "the prefix of a unit vector is shorter than 1 (sum of the first 2 "
          "squares < 1): divide it by its own length again")


def test_truncate_full_width_is_normalization(kata):
    """truncate(Z, d) is the row normalization of Z"""
    Z = rng(4).normal(size=(4, 3)) * np.array([[0.1], [1.0], [5.0], [30.0]])
    called = kata.truncate(Z, 3)
    got = as_array(called, (4, 3))
    close(called, got, Z / np.linalg.norm(Z, axis=1, keepdims=True), "dim = d keeps every column: each row "
          "divided by its length")


def test_truncate_zero_prefix_gives_zeros(kata):
    """truncate maps a row whose prefix is all zeros to zeros, not NaN"""
    Z = np.array([[0.0, 0.0, 3.0], [3.0, -4.0, 1.0], [0.0, 0.0, 0.0]])
    called = kata.truncate(Z, 2)
    got = as_array(called, (3, 2))
    finite(called, got, "a zero prefix has no direction: 0 / 0 is NaN, the docstring says zeros")
    close(called, got, [[0.0, 0.0], [0.6, -0.8], [0.0, 0.0]],
          "a zero prefix stays zero, even when the rest of the row is not; the other rows get length 1")


def test_truncate_survives_huge_entries(kata):
    """truncate handles entries of 1e200 without overflow"""
    called = kata.truncate([[3e200, 4e200, 1.0], [-1e300, 0.0, 1e300], [1.0, 2.0, 2.0]], 2)
    got = as_array(called, (3, 2))
    close(called, got, [[0.6, 0.8], [-1.0, 0.0], [1 / 5 ** 0.5, 2 / 5 ** 0.5]],
          "(3e200)**2 overflows to inf; divide each row by its largest |entry| before squaring")


@pytest.mark.validation
@pytest.mark.parametrize("dim, why", [
    (0, "dim must be in 1..d: a prefix of 0 columns has no direction"),
    (5, "dim must be in 1..d (Z has 4 columns)"),
    (-1, "a negative dim is an error, not numpy's Z[:, :-1] (all columns but the last)"),
])
def test_truncate_rejects_bad_dims(kata, dim, why):
    """truncate raises a ValueError for a dim outside 1..d"""
    with kata.raises(why):
        kata.truncate(np.ones((3, 4)), dim)


@pytest.mark.validation
def test_truncate_rejects_a_vector(kata):
    """truncate raises a ValueError when Z is not 2-D"""
    with kata.raises("Z must be 2-D (n, d), one row per sample"):
        kata.truncate(np.ones(4), 2)


# ---------------------------------------------------------------- matryoshka_info_nce

def test_matryoshka_hand_case(kata):
    """matryoshka_info_nce adds the InfoNCE losses of the prefixes"""
    z1 = np.array([[1.0, 1.0, 5.0], [1.0, -1.0, 0.0]])
    z2 = np.array([[1.0, 1.0, 0.0], [-1.0, 1.0, 0.0]])
    called = kata.matryoshka_info_nce(z1, z2, [1, 2], temperature=1.0)
    loss = as_float(called.part(0, "loss"))
    # prefix 1: n1 = [1, 1], n2 = [1, -1]; prefix 2: S = [[1, 0], [0, -1]]
    expected = (1 + np.log1p(np.exp(-2.0))) + (0.5 + np.log1p(np.exp(-1.0)))
    close(called.part(0, "loss"), loss, expected, "L_1 = 1 + log(1 + e^-2) on the first column and "
          "L_2 = 0.5 + log(1 + e^-1) on the first two; column 2 is in no prefix: loss = L_1 + L_2")


GRID = [  # case, B, d, dims, temperature, weights
    ("two prefixes", 4, 6, [2, 4], 0.2, None),
    ("three prefixes up to d", 5, 5, [1, 3, 5], 0.1, None),
    ("one prefix", 3, 8, [3], 0.5, None),
    ("weights as a list", 6, 7, [2, 5, 7], 0.05, [0.25, 1.0, 2.0]),
    ("every size up to 4, a batch of 2", 2, 5, [1, 2, 3, 4], 1.0, None),
    ("weights as a dict", 7, 6, [4, 6], 0.1, {4: 1.5, 6: 0.5}),
]


@pytest.mark.parametrize("case, B, d, dims, temperature, weights", GRID)
def test_matryoshka_matches_the_plain_formula_and_finite_differences(kata, case, B, d, dims, temperature,
                                                                     weights):
    """matryoshka_info_nce matches the loss written out and its finite differences"""
    z1, z2 = batch(10 * B + d, B, d)
    called = kata.matryoshka_info_nce(z1, z2, dims, temperature, weights)
    loss, _, _ = grad_parts(called, B, d)
    close(called.part(0, "loss"), loss, plain_matryoshka(z1, z2, dims, temperature, weights),
          "sum over m in dims of w_m * InfoNCE(z1[:, :m], z2[:, :m]), each prefix re-normalized on its own",
          rtol=1e-9)
    check_gradients(called, z1, z2, dims, temperature, weights)


@pytest.mark.side
def test_matryoshka_batch_of_one(kata):
    """matryoshka_info_nce of a batch of one row: loss 0 and zero gradients"""
    z1, z2 = batch(13, 1, 3)
    called = kata.matryoshka_info_nce(z1, z2, [1, 2], 0.1)
    loss, dz1, dz2 = grad_parts(called, 1, 3)
    close(called.part(0, "loss"), loss, 0.0, "with B = 1 the positive is the only candidate: softmax 1, "
          "InfoNCE log 1 = 0 in every prefix", atol=1e-12)
    for k, name, got in ((1, "dz1", dz1), (2, "dz2", dz2)):
        close(called.part(k, name), got, np.zeros((1, 3)), "a constant loss has zero gradient", atol=1e-12)


def test_matryoshka_each_prefix_is_normalized_on_its_own(kata):
    """matryoshka_info_nce normalizes each prefix by its own length"""
    z1, z2 = batch(20, 5, 6)
    z1[:, 3:] *= 10.0  # most of each row's length lies beyond the prefix of 3
    z2[:, 3:] *= 10.0
    called = kata.matryoshka_info_nce(z1, z2, [3, 6], 0.1)
    loss, _, _ = grad_parts(called, 5, 6)
    close(called.part(0, "loss"), loss, plain_matryoshka(z1, z2, [3, 6], 0.1),
          "the logits of prefix m are cosines of z[:, :m]: normalize the prefix, not the whole row before "
          "cutting it (its first 3 columns then have length well below 1)", rtol=1e-9)
    check_gradients(called, z1, z2, [3, 6], 0.1)


def test_matryoshka_single_prefix_is_plain_info_nce(kata):
    """matryoshka_info_nce with dims=[m] is InfoNCE on the first m columns"""
    z1, z2 = batch(21, 6, 5)
    called = kata.matryoshka_info_nce(z1, z2, [3], 0.2)
    loss, dz1, dz2 = grad_parts(called, 6, 5)
    close(called.part(0, "loss"), loss, plain_info_nce(z1[:, :3], z2[:, :3], 0.2),
          "one prefix size m: the loss is kata 4's InfoNCE on z1[:, :m], z2[:, :m]", rtol=1e-9)
    num1 = numerical_gradient(lambda z: plain_info_nce(z, z2[:, :3], 0.2), z1[:, :3])
    close(called.part(1, "dz1[:, :3]"), dz1[:, :3], num1, f"dz1 {GRAD_WHY}", rtol=1e-5, atol=1e-6)
    close(called.part(1, "dz1[:, 3:]"), dz1[:, 3:], np.zeros((6, 2)),
          "columns 3 and 4 are outside the prefix: the loss never sees them, their gradient is 0", rtol=0,
          atol=1e-12)


def test_matryoshka_columns_beyond_the_largest_prefix_get_zero_gradient(kata):
    """matryoshka_info_nce gives exactly zero gradient to columns beyond max(dims)"""
    z1, z2 = batch(22, 5, 7)
    called = kata.matryoshka_info_nce(z1, z2, [1, 2, 4], 0.1)
    _, dz1, dz2 = grad_parts(called, 5, 7)
    for k, name, got in ((1, "dz1[:, 4:]", dz1), (2, "dz2[:, 4:]", dz2)):
        close(called.part(k, name), got[:, 4:], np.zeros((5, 3)), "no prefix reaches columns 4..6: pad each "
              "prefix gradient with zeros, never normalize the whole row", rtol=0, atol=1e-12)
    check_gradients(called, z1, z2, [1, 2, 4], 0.1)


def test_matryoshka_weights_scale_each_term(kata):
    """matryoshka_info_nce multiplies the loss and gradient of prefix dims[i] by weights[i]"""
    z1, z2 = batch(23, 5, 6)
    called = kata.matryoshka_info_nce(z1, z2, [2, 4, 6], 0.2, [3.0, 0.5, 0.0])
    loss, _, _ = grad_parts(called, 5, 6)
    close(called.part(0, "loss"), loss, plain_matryoshka(z1, z2, [2, 4, 6], 0.2, [3.0, 0.5, 0.0]),
          "weights[i] multiplies the InfoNCE of prefix dims[i]: 3 L_2 + 0.5 L_4 + 0 L_6", rtol=1e-9)
    check_gradients(called, z1, z2, [2, 4, 6], 0.2, [3.0, 0.5, 0.0],
                    why="must be 3 times the gradient of prefix 2 plus 0.5 times that of prefix 4 "
                        "(weight 0 drops prefix 6): scale each term's gradient by its weight")


def test_matryoshka_weights_as_a_dict(kata):
    """matryoshka_info_nce accepts weights as a dict {m: weight}"""
    z1, z2 = batch(24, 4, 5)
    weights = {2: 0.5, 5: 2.0}
    called = kata.matryoshka_info_nce(z1, z2, [2, 5], 0.1, weights)
    loss, _, _ = grad_parts(called, 4, 5)
    close(called.part(0, "loss"), loss, plain_matryoshka(z1, z2, [2, 5], 0.1, weights),
          "weights={2: 0.5, 5: 2.0} weighs prefix 2 by 0.5 and prefix 5 by 2 (the dict is keyed by m)", rtol=1e-9)
    check_gradients(called, z1, z2, [2, 5], 0.1, weights)


def test_matryoshka_default_temperature(kata):
    """matryoshka_info_nce uses temperature 0.1 by default"""
    z1, z2 = batch(25, 4, 4)
    called = kata.matryoshka_info_nce(z1, z2, [2, 4])
    loss, _, _ = grad_parts(called, 4, 4)
    close(called.part(0, "loss"), loss, plain_matryoshka(z1, z2, [2, 4], 0.1), "the default temperature is 0.1",
          rtol=1e-9)


@pytest.mark.parametrize("temperature", [1e-3, 1e-4])
def test_matryoshka_tiny_temperature(kata, temperature):
    """matryoshka_info_nce is finite and right at tiny temperatures"""
    z1, z2 = batch(26, 4, 5)
    called = kata.matryoshka_info_nce(z1, z2, [2, 5], temperature)
    loss, dz1, dz2 = grad_parts(called, 4, 5)
    why = "logits near 1/temperature overflow exp: subtract each row's max before exponentiating"
    finite(called.part(0, "loss"), loss, why)
    finite(called.part(1, "dz1"), dz1, why)
    finite(called.part(2, "dz2"), dz2, why)
    close(called.part(0, "loss"), loss, plain_matryoshka(z1, z2, [2, 5], temperature),
          "a stable logsumexp gives the exact loss", rtol=1e-9)
    check_gradients(called, z1, z2, [2, 5], temperature)


def test_matryoshka_identical_rows(kata):
    """matryoshka_info_nce of identical rows: loss sum(weights) * log B, zero gradients"""
    z1 = np.tile([[1.0, 2.0, -1.0, 0.5]], (4, 1))
    z2 = np.tile([[-3.0, 0.5, 2.0, 1.0]], (4, 1))
    called = kata.matryoshka_info_nce(z1, z2, [1, 3, 4], 0.001, [1.0, 2.0, 0.5])
    loss, dz1, dz2 = grad_parts(called, 4, 4)
    close(called.part(0, "loss"), loss, 3.5 * np.log(4.0), "equal logits give InfoNCE log B in every prefix: "
          "(1 + 2 + 0.5) log 4")
    for k, name, got in ((1, "dz1", dz1), (2, "dz2", dz2)):
        finite(called.part(k, name), got, "subtract the row max before exp")
        close(called.part(k, name), got, np.zeros((4, 4)), "with equal logits the negatives pull as hard as the "
              "positive: every prefix's gradient cancels", atol=1e-6)


def test_matryoshka_zero_prefix_row(kata):
    """matryoshka_info_nce stays finite when a row's prefix is all zeros"""
    z1, z2 = batch(27, 4, 5)
    z1[1, :2] = 0.0
    called = kata.matryoshka_info_nce(z1, z2, [2, 5], 0.1)
    loss, dz1, dz2 = grad_parts(called, 4, 5)
    finite(called.part(1, "dz1"), dz1, "a zero prefix has no direction: give it a finite gradient (0), not 0 / 0")
    finite(called.part(2, "dz2"), dz2, "a zero prefix has no direction: give it a finite gradient (0), not 0 / 0")
    close(called.part(0, "loss"), loss, plain_matryoshka(z1, z2, [2, 5], 0.1),
          "a zero prefix normalizes to zeros, so its logits in prefix 2 are all 0", rtol=1e-9)


def test_matryoshka_zero_prefix_gets_zero_gradient(kata):
    """matryoshka_info_nce sends nothing back through a prefix of zeros"""
    z1, z2 = batch(29, 4, 5)
    z1[1, :2] = 0.0
    called = kata.matryoshka_info_nce(z1, z2, [2, 5], 0.1)
    _, dz1, dz2 = grad_parts(called, 4, 5)
    num1 = numerical_gradient(lambda z: plain_matryoshka(z, z2, [2, 5], 0.1), z1)
    # row 1's prefix of 2 is zeros, and normalizes to zeros all around: prefix 2 sends it nothing, so
    # its first two columns get prefix 5's gradient alone
    num1[1, :2] = numerical_gradient(lambda z: plain_matryoshka(z, z2, [5], 0.1), z1)[1, :2]
    num2 = numerical_gradient(lambda z: plain_matryoshka(z1, z, [2, 5], 0.1), z2)
    why = ("a zero prefix normalizes to zeros: send it no gradient through that prefix (0, not dn / eps "
           "from a clamped norm); the other prefixes and rows as usual")
    close(called.part(1, "dz1"), dz1, num1, why, rtol=1e-5, atol=1e-6)
    close(called.part(2, "dz2"), dz2, num2, why, rtol=1e-5, atol=1e-6)


BAD = {  # dims, temperature, weights, z1 shape, z2 shape, why
    "dims decreasing": ([4, 2], 0.1, None, (3, 4), (3, 4), "dims must be strictly increasing"),
    "dims repeated": ([2, 2, 4], 0.1, None, (3, 4), (3, 4), "dims must be strictly increasing (no size twice)"),
    "dim zero": ([0, 2], 0.1, None, (3, 4), (3, 4), "every size in dims must be in 1..d"),
    "dim too large": ([2, 5], 0.1, None, (3, 4), (3, 4), "every size in dims must be in 1..d (d = 4 here)"),
    "dim negative": ([-1, 4], 0.1, None, (3, 4), (3, 4),
                     "a negative size is an error, not numpy's z[:, :-1]"),
    "dims empty": ([], 0.1, None, (3, 4), (3, 4), "dims needs at least one prefix size"),
    "weights length": ([1, 2], 0.1, [1.0], (3, 4), (3, 4), "weights needs one entry per size in dims"),
    "weights keys": ([1, 2], 0.1, {1: 1.0, 3: 1.0}, (3, 4), (3, 4),
                     "a dict of weights needs exactly the sizes of dims as keys"),
    "weights negative": ([1, 2], 0.1, [1.0, -0.5], (3, 4), (3, 4), "weights must be >= 0"),
    "temperature 0": ([1, 2], 0.0, None, (3, 4), (3, 4), "temperature must be > 0"),
    "temperature negative": ([1, 2], -0.1, None, (3, 4), (3, 4), "temperature must be > 0"),
    "shapes differ": ([1, 2], 0.1, None, (3, 4), (3, 5), "z1 and z2 must have the same shape"),
    "batch sizes differ": ([1, 2], 0.1, None, (3, 4), (2, 4), "z1 and z2 must have the same shape"),
    "empty batch": ([1, 2], 0.1, None, (0, 4), (0, 4), "an empty batch has no loss"),
    "1-D vectors": ([1, 2], 0.1, None, (4,), (4,), "z1 and z2 must be 2-D (B, d)"),
}


@pytest.mark.validation
@pytest.mark.parametrize("case", list(BAD))
def test_matryoshka_rejects_bad_input(kata, case):
    """matryoshka_info_nce raises a ValueError for bad input"""
    dims, temperature, weights, shape1, shape2, why = BAD[case]
    r = rng(28)
    z1, z2 = r.normal(size=shape1), r.normal(size=shape2)
    with kata.raises(why):
        kata.matryoshka_info_nce(z1, z2, dims, temperature, weights)


# ---------------------------------------------------------------- funnel_search

def disagreeing():
    """Queries and keys whose prefix ranking, full ranking and prefix-of-unit-row ranking differ.

    The first 3 columns of each key are scaled by its own factor, so the share of its
    length that lies in the prefix varies from key to key.
    """
    r = rng(30)
    Q = r.normal(size=(4, 8))
    K = r.normal(size=(40, 8))
    K[:, :3] *= r.uniform(0.2, 3.0, size=(40, 1))
    K *= r.uniform(0.5, 4.0, size=(40, 1))
    return Q, K


@pytest.mark.parametrize("shortlist", [5, 12])
def test_funnel_search_reranks_the_coarse_shortlist(kata, shortlist):
    """funnel_search returns the top k by full cosine among the shortlist chosen by prefix cosine"""
    Q, K = disagreeing()
    called = kata.funnel_search(Q, K, 5, 3, shortlist)
    got = as_ints(called, (4, 5))
    equal(called, got, plain_funnel(Q, K, 5, 3, shortlist),
          f"keep the {shortlist} best keys by the cosine of the first 3 columns (each prefix re-normalized), "
          "then order those by the cosine of the full rows, best first")


def test_funnel_search_coarse_pass_renormalizes_the_prefixes(kata):
    """funnel_search ranks the first pass by the cosine of the prefixes"""
    Q, K = disagreeing()
    K = unit(K)  # keys stored as unit vectors: their prefixes have different lengths
    called = kata.funnel_search(Q, K, 3, 3, 6)
    got = as_ints(called, (4, 3))
    equal(called, got, plain_funnel(Q, K, 3, 3, 6),
          "the prefixes of unit rows are not unit rows: re-normalize K[:, :3] before the first pass, or keys "
          "that keep more of their length in the first columns win")


def test_funnel_search_full_shortlist_is_a_full_search(kata):
    """funnel_search with shortlist = number of keys is a plain top-k by full cosine"""
    Q, K = disagreeing()
    called = kata.funnel_search(Q, K, 6, 2, 40)
    got = as_ints(called, (4, 6))
    full = unit(Q) @ unit(K).T
    equal(called, got, np.array([ranking(s, 6) for s in full]),
          "every key survives the first pass, so the answer is the 6 best keys by full cosine, best first")


def tied():
    """Integer keys and queries of +-1 entries (some keys doubled): every cosine is an exact binary
    fraction, and many tie, in the prefix of 4 columns as in the full 16."""
    r = rng(31)
    base = r.choice([-1.0, 1.0], size=(12, 16))
    K = base[r.integers(0, 12, size=48)]
    K[:, :4] = r.choice([-1.0, 1.0], size=(48, 4))  # prefixes repeat often: 16 patterns for 48 keys
    K *= r.choice([1.0, 2.0], size=(48, 1))  # lengths 4 and 8: cosines stay exact
    Q = r.choice([-1.0, 1.0], size=(5, 16))
    return Q, K


def test_funnel_search_orders_equal_cosines_by_index(kata):
    """funnel_search returns keys of equal full cosine lowest index first"""
    Q, K = tied()
    called = kata.funnel_search(Q, K, 6, 4, 48)
    got = as_ints(called, (5, 6))
    equal(called, got, plain_funnel(Q, K, 6, 4, 48),
          "the shortlist is every key here, and many full cosines tie exactly: sort by (-cosine, index), so "
          "equal cosines come out lowest index first")


def tied_prefixes():
    """Keys whose first 4 columns are +-1 or +-2 (prefix cosines exact, many tied) and whose other
    columns are continuous (full cosines all different)."""
    r = rng(33)
    K = r.normal(size=(40, 10))
    K[:, :4] = r.choice([-1.0, 1.0], size=(40, 4)) * r.choice([1.0, 2.0], size=(40, 1))
    Q = r.normal(size=(5, 10))
    Q[:, :4] = r.choice([-1.0, 1.0], size=(5, 4))
    return Q, K


def test_funnel_search_shortlist_ties_keep_the_lower_index(kata):
    """funnel_search keeps the lower index among equal prefix cosines at the edge of the shortlist"""
    Q, K = tied_prefixes()
    called = kata.funnel_search(Q, K, 5, 4, 5)
    got = as_ints(called, (5, 5))
    equal(called, got, plain_funnel(Q, K, 5, 4, 5),
          "prefix cosines of +-1 entries tie exactly at the edge of the shortlist of 5: keep the lower indices "
          "(sort by (-cosine, index)), then order those 5 by full cosine")


def near_ties():
    """Keys whose cosines with the query differ by about 1e-9, far above rounding (1e-16) and far
    below what a rounded score (to 8 decimals, or np.isclose) tells apart; the higher index is
    the better key each time. Keys 0..2 are far behind in both passes."""
    q = np.array([[1.0, 0.0, 1.0, 0.0]])
    K = np.array([[0.0, 1.0, 0.0, 1.0],            # keys 0..2: prefix and full cosines 0 or below
                  [-1.0, 0.0, 0.0, 1.0],
                  [0.0, 1.0, -1.0, 0.0],
                  [1.0, 1.0, 1.0, 1.0],            # full cosine 0.70710678...
                  [1.0, 1.0, 1.0, 1.0 - 1e-8],     # a hair shorter: full cosine higher by about 1.8e-9
                  [1.0, 1.0 - 5e-9, 0.0, 9.0],     # prefix cosine higher than keys 3, 4, 6's by about 1.8e-9
                  [1.0, 1.0, 0.0, 9.0]])
    return q, K


@pytest.mark.parametrize("case", ["in the full pass", "at the edge of the shortlist"])
def test_funnel_search_near_ties_are_no_ties(kata, case):
    """funnel_search orders cosines that differ by 1e-9 by value: only bit-equal scores tie"""
    q, K = near_ties()
    args = {"in the full pass": (2, 2, 7), "at the edge of the shortlist": (1, 2, 1)}[case]
    called = kata.funnel_search(q, K, *args)
    got = as_ints(called, (1, args[0]))
    expected = plain_funnel(q, K, *args)
    equal(called, got, expected, "a tie is a bit-equal score; scores that differ by 1e-9 are ordered by "
          "value (no rounding, no np.isclose): key 4's full cosine beats key 3's, key 5's prefix beats key 3's")


@pytest.mark.validation
@pytest.mark.parametrize("args, why", [
    ((3, 2, 2), "shortlist must be >= k: the re-ranking only returns keys of the shortlist"),
    ((0, 2, 2), "k must be at least 1"),
    ((2, 2, 6), "shortlist larger than the number of keys (5)"),
    ((2, 0, 3), "coarse_dim must be in 1..d"),
    ((2, 4, 3), "coarse_dim must be in 1..d (d = 3 here)"),
    ((2, -1, 3), "a negative coarse_dim is an error, not numpy's count from the end"),
])
def test_funnel_search_rejects_bad_arguments(kata, args, why):
    """funnel_search raises a ValueError for bad k, coarse_dim or shortlist"""
    Q, K = np.ones((2, 3)), np.arange(15.0).reshape(5, 3)
    with kata.raises(why):
        kata.funnel_search(Q, K, *args)


@pytest.mark.validation
def test_funnel_search_rejects_mismatched_widths(kata):
    """funnel_search raises a ValueError when queries and keys have different widths"""
    with kata.raises("queries and keys must have the same number of columns d"):
        kata.funnel_search(np.ones((2, 4)), np.ones((5, 3)), 1, 2, 3)


@fixed
def _many_keys():
    """16 queries, 40,000 keys, and the 10 best full cosines among each query's 200 best keys
    by prefix cosine."""
    r = rng(32)
    K = r.random(size=(40_000, 64), dtype=np.float32) - np.float32(0.5)
    K *= np.linspace(2.0, 0.5, 64, dtype=np.float32)  # more spread in the first columns, as after training
    Q = K[r.integers(0, 40_000, size=16)] + np.float32(0.2) * r.random(size=(16, 64), dtype=np.float32)
    coarse = unit(Q[:, :8]) @ unit(K[:, :8]).T
    short = np.argpartition(-coarse, 200, axis=1)[:, :200]  # the 200 best by prefix cosine (no ties here)
    full = np.einsum("qd,qsd->qs", unit(Q), unit(K[short.reshape(-1)]).reshape(16, 200, 64))
    return Q, K, -np.sort(-full, axis=1)[:, :10]


@pytest.mark.scale(0.55, "correct but too slow: vectorize (the first pass is one matrix product of the "
                   "prefixes and a partition; no Python loop over keys)")
def test_scale_funnel_search_is_vectorized(kata):
    """funnel_search searches 40,000 keys quickly"""
    Q, K, expected = _many_keys()
    called = kata.funnel_search(Q, K, 10, 8, 200)
    got = as_ints(called, (16, 10))
    expect(np.all((got >= 0) & (got < 40_000)), called, "returned indices out of range", "indices in 0..39999",
           "funnel_search returns key indices")
    q = unit(Q)
    cosines = np.einsum("qd,qkd->qk", q, unit(K[got.reshape(-1)]).reshape(16, 10, 64))
    close(called, cosines, expected, "the full cosines of the returned keys must be the 10 highest among the "
          "200 best keys by prefix cosine, highest first", rtol=1e-6, atol=1e-9)


# ---------------------------------------------------------------- recall_at_k

def test_recall_at_k_hand_case(kata):
    """recall_at_k is the fraction of rows that contain their target"""
    called = kata.recall_at_k(np.array([[4, 2], [1, 0], [0, 3], [7, 5]]), np.array([2, 1, 5, 5]))
    close(called, as_float(called), 0.75, "rows 0, 1 and 3 contain their target, row 2 does not: 3 / 4",
          rtol=1e-12)


def test_recall_at_k_counts_a_row_once(kata):
    """recall_at_k counts a row once even if its target appears twice"""
    called = kata.recall_at_k(np.array([[3, 3, 3], [1, 0, 2], [5, 6, 7], [2, 2, 0]]), np.array([3, 4, 7, 2]))
    close(called, as_float(called), 0.75, "row 0 holds its target three times, row 3 twice, but each is one "
          "query: a hit is (retrieved == target).any(axis=1), not a count of matches", rtol=1e-12)


def test_recall_at_k_extremes(kata):
    """recall_at_k is 1.0 when every row hits and 0.0 when none does"""
    retrieved = np.array([[0, 1], [2, 1], [5, 4]])
    called = kata.recall_at_k(retrieved, np.array([1, 2, 4]))
    close(called, as_float(called), 1.0, "every row contains its target", rtol=1e-12)
    called = kata.recall_at_k(retrieved, np.array([2, 0, 3]))
    close(called, as_float(called), 0.0, "no row contains its own target (row 0's target 2 is in row 1, "
          "which does not count)", atol=0.0)


@pytest.mark.validation
@pytest.mark.parametrize("retrieved, targets, why", [
    ([1, 2, 3], [1, 2, 3], "retrieved must be 2-D (n, k)"),
    ([[1, 2], [3, 4]], [1, 2, 3], "targets needs one entry per row of retrieved"),
    ([[1, 2], [3, 4]], [[1], [3]], "targets must be 1-D (n,), one index per row"),
    (np.zeros((0, 3), dtype=int), np.zeros(0, dtype=int), "with no rows the recall is 0 / 0"),
])
def test_recall_at_k_rejects_bad_shapes(kata, retrieved, targets, why):
    """recall_at_k raises a ValueError for mismatched shapes"""
    with kata.raises(why):
        kata.recall_at_k(np.asarray(retrieved), np.asarray(targets))


@pytest.mark.validation
@pytest.mark.parametrize("case", ["float retrieved", "float targets", "bool targets"])
def test_recall_at_k_rejects_ids_that_are_not_integers(kata, case):
    """recall_at_k raises a ValueError for key indices that are not integers"""
    retrieved, targets = {
        "float retrieved": (np.array([[1.0, 2.0], [0.0, 3.0]]), np.array([2, 0])),
        "float targets": (np.array([[1, 2], [0, 3]]), np.array([2.0, 0.0])),
        "bool targets": (np.array([[1, 0], [0, 1]]), np.array([True, False])),
    }[case]
    with kata.raises("key indices are integers: floats (even 2.0) and bools are not ids"):
        kata.recall_at_k(retrieved, targets)


# ---------------------------------------------------------------- contract-wide

@pytest.mark.side
def test_inputs_are_left_unchanged(kata):
    """no function changes its inputs in place"""
    z1, z2 = batch(40, 4, 5)
    z1[0, :2] = 0.0
    Q, K = disagreeing()
    for called in (kata.truncate(z1, 3), kata.truncate(z1, 5),
                   kata.matryoshka_info_nce(z1, z2, [2, 5], 0.1, [1.0, 0.5]),
                   kata.matryoshka_info_nce(z1, z2, np.array([1, 3]), 0.5, {1: 2.0, 3: 1.0}),
                   kata.funnel_search(Q, K, 3, 2, 8),
                   kata.recall_at_k(np.array([[1, 2], [0, 0]]), np.array([2, 1]))):
        unchanged(called)


@pytest.mark.side
def test_results_are_float64(kata):
    """float results come back as float64 arrays"""
    z1, z2 = batch(41, 3, 4)
    z1, z2 = z1.astype(np.float32), z2.astype(np.float32)
    called = kata.truncate(z1, 2)
    dtype = np.asarray(called.value).dtype
    expect(dtype == np.float64, called, f"returned dtype {dtype}", "float64",
           "the contract's arrays are float64: convert inputs with np.asarray(Z, dtype=np.float64)")
    called = kata.matryoshka_info_nce(z1, z2, [2, 4], 0.5)
    for k, name in ((1, "dz1"), (2, "dz2")):
        part = called.part(k, name)
        dtype = np.asarray(part.value).dtype
        expect(dtype == np.float64, part, f"{name} of dtype {dtype}", "float64",
               "convert inputs with np.asarray(z, dtype=np.float64) before computing")
