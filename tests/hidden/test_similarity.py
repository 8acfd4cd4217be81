"""Hidden suite of kata 2, similarity.

Expected values come from plain formulas written here (row norms, broadcasting on small
arrays, Python sorting of exact integer scores, loops over a handful of words) and from
small hand-built cases; never from solutions/.
"""

import math

import numpy as np
import pytest

from grading.checks import as_array, as_ints, close, equal, expect, finite, fixed, unchanged

KATA = "similarity"


def rng(seed):
    return np.random.default_rng(seed)


def _unit(X):
    return X / np.linalg.norm(X, axis=1, keepdims=True)


def _cos(X, Y):
    return _unit(X) @ _unit(Y).T


def _sq_dist(X, Y):
    return ((X[:, None, :] - Y[None, :, :]) ** 2).sum(-1)


def _ranking(scores, k, skip=()):
    """Indices of the k highest scores, best first, ties to the lower index (plain Python)."""
    order = sorted((j for j in range(len(scores)) if j not in skip), key=lambda j: (-scores[j], j))
    return order[:k]


# ---------------------------------------------------------------- normalize

def test_normalize_gives_unit_rows(kata):
    """normalize scales every row to length 1"""
    X = rng(1).normal(size=(5, 4)) * np.array([[0.1], [1.0], [3.0], [20.0], [0.5]])
    called = kata.normalize(X.tolist())
    got = as_array(called, (5, 4))
    close(called, got, X / np.linalg.norm(X, axis=1, keepdims=True),
          "row i is X[i] / ||X[i]||, the L2 norm of that row alone")


def test_normalize_zero_row_gives_zeros(kata):
    """normalize maps a zero row to zeros, not NaN"""
    X = np.array([[0.0, 0.0, 0.0], [1.0, 2.0, 2.0], [0.0, 0.0, 0.0]])
    called = kata.normalize(X)
    got = as_array(called, (3, 3))
    finite(called, got, "a zero row has no direction: 0 / 0 is NaN, the contract says zeros")
    close(called, got, [[0, 0, 0], [1 / 3, 2 / 3, 2 / 3], [0, 0, 0]],
          "a zero row stays zero; the other rows still get length 1")


def test_normalize_uses_eps_as_a_threshold(kata):
    """normalize zeroes rows shorter than eps and scales the others to length exactly 1"""
    called = kata.normalize([[1e-13, 0.0], [0.0, 1e-11], [3e-13, -4e-13]])
    got = as_array(called, (3, 2))
    close(called, got, [[0, 0], [0, 1], [0, 0]],
          "rows with norm < eps (1e-12) become zeros; a row of norm 1e-11 is scaled to length 1, "
          "not divided by norm + eps or max(norm, eps)", rtol=1e-9, atol=1e-12)
    called = kata.normalize([[3e-4, 4e-4], [6e-3, 8e-3]], eps=1e-3)
    got = as_array(called, (2, 2))
    close(called, got, [[0, 0], [0.6, 0.8]],
          "with eps=1e-3 the row of norm 5e-4 becomes zeros and the row of norm 1e-2 gets length 1",
          rtol=1e-9, atol=1e-12)


def test_normalize_survives_huge_entries(kata):
    """normalize handles huge entries without overflow"""
    called = kata.normalize([[3e200, 4e200], [-1e300, 1e300], [1.0, 0.0]])
    got = as_array(called, (3, 2))
    h = math.sqrt(0.5)
    close(called, got, [[0.6, 0.8], [-h, h], [1.0, 0.0]],
          "(3e200)**2 overflows to inf; divide each row by its largest |entry| before squaring")


def test_normalize_with_eps_zero(kata):
    """normalize with eps=0 zeroes only exact zero rows"""
    called = kata.normalize([[0.0, 0.0], [1e-300, 0.0], [0.0, -3e-20]], eps=0)
    got = as_array(called, (3, 2))
    close(called, got, [[0, 0], [1, 0], [0, -1]], "eps=0 is allowed: a zero row still becomes zeros "
          "(never 0 / 0), and every other row, however short, gets length 1", rtol=1e-12, atol=0)


@pytest.mark.validation
@pytest.mark.parametrize("eps, why", [
    (-1e-12, "eps must be >= 0: a negative eps lets a zero row through as 0 / 0"),
    (-1.0, "eps must be >= 0"),
    ("tiny", "eps must be a number"),
])
def test_normalize_rejects_a_bad_eps(kata, eps, why):
    """normalize raises a ValueError for an eps that is not a number >= 0"""
    with kata.raises(why):
        kata.normalize([[3.0, 4.0], [0.0, 0.0]], eps=eps)


@pytest.mark.validation
@pytest.mark.parametrize("case", ["normalize", "cosine_similarity of X", "cosine_similarity of Y",
                                  "sq_euclidean", "top_k queries", "top_k keys", "analogy"])
def test_vectors_are_rejected_where_rows_are_expected(kata, case):
    """the functions of 2-D arrays raise a ValueError for a 1-D vector"""
    v, M = np.array([3.0, 4.0, 0.0]), np.arange(12.0).reshape(4, 3)
    call = {
        "normalize": lambda: kata.normalize(v),
        "cosine_similarity of X": lambda: kata.cosine_similarity(v),
        "cosine_similarity of Y": lambda: kata.cosine_similarity(M, v),
        "sq_euclidean": lambda: kata.sq_euclidean(v, M),
        "top_k queries": lambda: kata.top_k(v, M, 2),
        "top_k keys": lambda: kata.top_k(M, v, 1),
        "analogy": lambda: kata.analogy(np.arange(6.0), 0, 1, 2),
    }[case]
    with kata.raises("a 1-D array is not one row: the contract asks for 2-D (n, d) arrays (write x[None, :])"):
        call()


# ---------------------------------------------------------------- cosine_similarity

def test_cosine_similarity_values(kata):
    """cosine_similarity(X, Y) is x.y / (||x|| ||y||) for every pair of rows"""
    r = rng(2)
    X, Y = r.normal(size=(4, 5)), r.normal(size=(3, 5)) * 7.0
    called = kata.cosine_similarity(X, Y)
    got = as_array(called, (4, 3))
    close(called, got, _cos(X, Y), "entry [i, j] compares row i of X with row j of Y; rows have "
          "different lengths, so normalize both sides")


def test_cosine_similarity_defaults_to_x(kata):
    """cosine_similarity(X) compares the rows of X with each other"""
    X = rng(3).normal(size=(5, 3))
    called = kata.cosine_similarity(X)
    got = as_array(called, (5, 5))
    close(called, got, _cos(X, X), "Y=None means Y = X, a square (n, n) matrix with ones on the diagonal")


def test_cosine_similarity_zero_rows(kata):
    """cosine_similarity gives 0 for a zero row, with everything, itself included"""
    X = np.array([[1.0, 2.0, 2.0], [0.0, 0.0, 0.0], [-3.0, 0.0, 4.0]])
    Y = np.array([[0.0, 0.0, 0.0], [2.0, 1.0, 2.0]])
    expected = np.array([[0.0, 8 / 9], [0.0, 0.0], [0.0, 2 / 15]])
    called = kata.cosine_similarity(X, Y)
    got = as_array(called, (3, 2))
    finite(called, got, "a zero row has similarity 0, not NaN from 0 / 0")
    close(called, got, expected, "a zero row has similarity 0 with every row")
    called = kata.cosine_similarity(X)
    got = as_array(called, (3, 3))
    finite(called, got, "a zero row has similarity 0, not NaN from 0 / 0")
    expected = np.array([[1.0, 0.0, 5 / 15], [0.0, 0.0, 0.0], [5 / 15, 0.0, 1.0]])
    close(called, got, expected, "a zero row has similarity 0 even with itself")


def test_cosine_similarity_is_clipped(kata):
    """cosine_similarity stays inside [-1, 1] on duplicate and opposite rows"""
    base = np.round(rng(5).normal(size=(3, 5)), 1)  # rows whose float cosine with themselves is 1 + 2e-16
    X = np.concatenate([base, base, -base])
    called = kata.cosine_similarity(X)
    got = as_array(called, (9, 9))
    expect(np.all(got <= 1.0) and np.all(got >= -1.0), called,
           f"returned values from {float(got.min())!r} to {float(got.max())!r}", "values in [-1, 1]",
           "rounding makes x.x / ||x||^2 come out as 1.0000000000000002: clip the result into [-1, 1]")
    close(called, got, _cos(X, X), "duplicate rows have cosine 1, opposite rows -1")


@pytest.mark.validation
def test_cosine_similarity_rejects_mismatched_dims(kata):
    """cosine_similarity raises a ValueError when X and Y have different widths"""
    with kata.raises("X and Y must have the same number of columns d"):
        kata.cosine_similarity(np.ones((3, 4)), np.ones((2, 5)))


# ---------------------------------------------------------------- sq_euclidean

def test_sq_euclidean_values(kata):
    """sq_euclidean(X, Y) is ||x - y||^2 for every pair of rows"""
    r = rng(6)
    X, Y = r.normal(size=(4, 3)), r.normal(size=(6, 3)) * 2.0 + 1.0
    called = kata.sq_euclidean(X, Y)
    got = as_array(called, (4, 6))
    close(called, got, _sq_dist(X, Y), "entry [i, j] is the squared distance between X[i] and Y[j]; "
          "||x||^2 + ||y||^2 - 2 x.y with each norm on its own axis", atol=1e-9)


def test_sq_euclidean_defaults_to_x(kata):
    """sq_euclidean(X) gives the distances between the rows of X"""
    X = rng(7).normal(size=(5, 4))
    called = kata.sq_euclidean(X)
    got = as_array(called, (5, 5))
    close(called, got, _sq_dist(X, X), "Y=None means Y = X, a square (n, n) matrix", atol=1e-9)


def _near_duplicates():
    """Rows of norm ~4000 in near-identical pairs: ||x||^2 + ||y||^2 - 2 x.y cancels badly."""
    r = rng(7)
    base = r.normal(size=(6, 16)) * 1000
    return np.concatenate([base, base + 1e-4 * r.normal(size=base.shape)])


def test_sq_euclidean_diagonal_is_exactly_zero(kata):
    """sq_euclidean(X) has exact zeros on its diagonal"""
    X = _near_duplicates()
    called = kata.sq_euclidean(X)
    got = as_array(called, (12, 12))
    equal(called, np.diag(got), np.zeros(12), "||x - x||^2 is exactly 0, but the expanded formula leaves "
          "rounding noise of size ~1e-16 * ||x||^2 there: set the diagonal to 0 when Y is None")
    close(called, got, _sq_dist(X, X), "off the diagonal, the squared distances", rtol=1e-6, atol=1e-5)


def test_sq_euclidean_is_never_negative(kata):
    """sq_euclidean never returns a negative distance"""
    X = _near_duplicates()
    for Y in (X[::-1].copy(), None):
        called = kata.sq_euclidean(X) if Y is None else kata.sq_euclidean(X, Y)
        got = as_array(called, (12, 12))
        expect(np.all(got >= 0), called, f"returned a negative entry {float(got.min())!r}", "values >= 0",
               "||x||^2 + ||y||^2 - 2 x.y cancels for large, nearly equal rows and can dip below 0: "
               "clip at 0 (np.maximum)")
        close(called, got, _sq_dist(X, X if Y is None else Y), "clipped at 0, the entries are still "
              "the squared distances", rtol=1e-6, atol=1e-5)


@pytest.mark.validation
def test_sq_euclidean_rejects_mismatched_dims(kata):
    """sq_euclidean raises a ValueError when X and Y have different widths"""
    with kata.raises("X and Y must have the same number of columns d"):
        kata.sq_euclidean(np.ones((3, 4)), np.ones((2, 3)))


@fixed
def _many_points():
    """1500 points in 1024 dimensions, some rows of their squared distances."""
    X = rng(8).normal(size=(1500, 1024))
    rows = np.arange(0, 1500, 97)
    x2 = np.einsum("ij,ij->i", X, X)
    expected = x2[rows, None] + x2[None, :] - 2 * X[rows] @ X.T
    expected[np.arange(len(rows)), rows] = 0.0
    return X, rows, expected


@pytest.mark.scale(0.5, "correct but too slow: vectorize (one matrix product X @ Y.T, "
                   "no loop and no (n, m, d) array)")
def test_scale_sq_euclidean_is_vectorized(kata):
    """sq_euclidean handles 1500 x 1500 pairs in 1024 dimensions quickly"""
    X, rows, expected = _many_points()
    called = kata.sq_euclidean(X)
    got = as_array(called, (1500, 1500))
    close(called, got[rows], expected, "entry [i, j] is ||X[i] - X[j]||^2", rtol=1e-6, atol=1e-6)


# ---------------------------------------------------------------- top_k

def test_top_k_cosine_best_first(kata):
    """top_k returns the k most similar keys by cosine, best first"""
    r = rng(9)
    Q, K = r.normal(size=(3, 4)), r.normal(size=(9, 4)) * r.uniform(0.2, 5.0, size=(9, 1))
    called = kata.top_k(Q, K, 4)
    got = as_ints(called, (3, 4))
    S = _cos(Q, K)
    equal(called, got, np.array([_ranking(s, 4) for s in S]),
          "row i holds the indices of the 4 keys with the highest cosine to query i, highest first")


def _lengths_matter():
    """Keys whose cosine, dot and euclidean rankings all differ from each other."""
    Q = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]])
    K = np.array([[0.9, 0.1, 0.0],     # same direction as query 0, short
                  [6.0, 4.0, 0.0],     # long, a little off the direction of query 0
                  [2.0, 1.5, 0.5],     # in between
                  [-1.0, 0.0, 0.2],
                  [0.0, 0.3, 0.3],     # same direction as query 1, short
                  [1.0, 5.0, 3.0],     # long
                  [0.5, 0.8, 1.3]])
    return Q, K


def test_top_k_dot_prefers_long_keys(kata):
    """top_k with metric="dot" ranks by the raw dot product"""
    Q, K = _lengths_matter()
    called = kata.top_k(Q, K, 3, metric="dot")
    got = as_ints(called, (2, 3))
    equal(called, got, np.array([_ranking(s, 3) for s in Q @ K.T]),
          "metric='dot' ranks by q.k without normalizing: long keys score higher than with cosine")


def test_top_k_euclidean_smallest_first(kata):
    """top_k with metric="euclidean" returns the nearest keys, smallest distance first"""
    Q, K = _lengths_matter()
    called = kata.top_k(Q, K, 3, metric="euclidean")
    got = as_ints(called, (2, 3))
    equal(called, got, np.array([_ranking(-d, 3) for d in _sq_dist(Q, K)]),
          "for 'euclidean' the best key is the one at the smallest distance, so sort ascending")


def _tied():
    """Integer data with many exact ties; zero-mean query and key sets, every score exact.

    Every key has norm 1, 2 or 4, so cosines are exact binary fractions, and many keys
    are copies of each other (or of each other's direction).
    """
    pool = np.array([[2, 0, 0, 0], [1, 1, 1, 1], [1, 1, 1, -1], [0, 0, 0, 1], [4, 0, 0, 0],
                     [2, 2, 2, 2], [1, -1, 1, -1], [0, 2, 0, 0]])
    r = rng(10)
    half = pool[r.integers(0, len(pool), size=40)]
    K = np.concatenate([half, -half])[r.permutation(80)]
    Q = np.array([[1, 1, 1, 1], [-1, -1, -1, -1], [2, 0, 0, 0], [-2, 0, 0, 0]])
    return Q.astype(float), K.astype(float)


def _exact_scores(Q, K, metric):
    dots = Q.astype(np.int64) @ K.astype(np.int64).T
    if metric == "dot":
        return dots.astype(float)
    if metric == "euclidean":
        return -_sq_dist(Q, K)
    norms = np.sqrt((Q ** 2).sum(1))[:, None] * np.sqrt((K ** 2).sum(1))[None, :]
    return dots / norms  # exact: the norms are powers of two


@pytest.mark.parametrize("metric", ["cosine", "dot", "euclidean"])
def test_top_k_breaks_ties_toward_the_lower_index(kata, metric):
    """top_k breaks ties toward the lower key index"""
    Q, K = _tied()
    called = kata.top_k(Q, K, 16, metric=metric)
    got = as_ints(called, (4, 16))
    S = _exact_scores(Q, K, metric)
    equal(called, got, np.array([_ranking(s, 16) for s in S]),
          "equal scores must come out lowest index first: a stable sort (kind='stable') of the "
          "scores, not quicksort or argpartition's arbitrary order")


def test_top_k_excludes_the_query_itself(kata):
    """top_k(X, X, k, exclude=[[0], [1], ...]) finds each row's neighbours, never the row itself"""
    X = rng(11).normal(size=(6, 3))
    called = kata.top_k(X, X, 2, exclude=[[i] for i in range(6)])
    got = as_ints(called, (6, 2))
    S = _cos(X, X)
    equal(called, got, np.array([_ranking(S[i], 2, skip={i}) for i in range(6)]),
          "exclude[i] lists the keys query i must skip; without it every row's best match is itself")


@pytest.mark.parametrize("metric", ["cosine", "dot", "euclidean"])
def test_top_k_exclude_is_per_query(kata, metric):
    """top_k skips each query's own excluded keys and no others"""
    r = rng(12)
    Q, K = r.normal(size=(3, 3)), r.normal(size=(7, 3))
    S = {"cosine": _cos(Q, K), "dot": Q @ K.T, "euclidean": -_sq_dist(Q, K)}[metric]
    best = [_ranking(s, 7) for s in S]
    # query 0: skip its two best; query 1: skip nothing; query 2: skip four keys (one listed twice),
    # which leaves exactly k = 3
    exclude = [[best[0][1], best[0][0]], [], [best[2][0], best[2][2], best[2][0], best[2][5], best[2][6]]]
    called = kata.top_k(Q, K, 3, metric=metric, exclude=exclude)
    got = as_ints(called, (3, 3))
    expected = np.array([_ranking(S[i], 3, skip=set(exclude[i])) for i in range(3)])
    equal(called, got, expected, "exclude[i] applies to query i only: the excluded keys are never "
          "returned for that query (for 'euclidean' their distance counts as +inf, not -inf)")


@pytest.mark.validation
@pytest.mark.parametrize("case, why", [
    ("k_zero", "k must be at least 1"),
    ("k_too_large", "k larger than the number of keys"),
    ("unknown_metric", "metric must be 'cosine', 'dot' or 'euclidean'"),
    ("dims", "queries and keys must have the same number of columns d"),
    ("too_few_left", "fewer than k keys remain once exclude[i] is removed"),
    ("exclude_range", "an exclude index must be in 0..len(keys)-1"),
    ("exclude_negative", "a negative exclude index is out of range, not numpy's wrap-around"),
    ("exclude_length", "exclude needs one sequence of key indices per query"),
])
def test_top_k_rejects_bad_input(kata, case, why):
    """top_k raises a ValueError for bad input"""
    Q, K = np.ones((2, 3)), np.arange(15.0).reshape(5, 3)
    args, kwargs = {
        "k_zero": ((Q, K, 0), {}),
        "k_too_large": ((Q, K, 6), {}),
        "unknown_metric": ((Q, K, 2), {"metric": "manhattan"}),
        "dims": ((Q, np.ones((5, 4)), 2), {}),
        "too_few_left": ((Q, K, 3), {"exclude": [[0], [1, 2, 3]]}),
        "exclude_range": ((Q, K, 2), {"exclude": [[0], [5]]}),
        "exclude_negative": ((Q, K, 2), {"exclude": [[-1], []]}),
        "exclude_length": ((Q, K, 2), {"exclude": [[0]]}),
    }[case]
    with kata.raises(why):
        kata.top_k(*args, **kwargs)


@fixed
def _many_keys():
    """32 queries, 40,000 keys, the cosines of every pair, and each query's 10 best."""
    r = rng(13)
    K = r.normal(size=(40_000, 32)).astype(np.float32)
    Q = r.normal(size=(32, 32)).astype(np.float32)
    S = _cos(Q.astype(float), K.astype(float))
    return Q, K, S, -np.sort(-np.partition(S, -10, axis=1)[:, -10:], axis=1)


@pytest.mark.scale(0.5, "correct but too slow: vectorize (one matrix of scores, then "
                   "np.argpartition and a sort of the k best; no loop over keys)")
def test_scale_top_k_is_vectorized(kata):
    """top_k searches 40,000 keys quickly"""
    Q, K, S, expected = _many_keys()
    called = kata.top_k(Q, K, 10)
    got = as_ints(called, (32, 10))
    expect(np.all((got >= 0) & (got < 40_000)), called, "returned indices out of range",
           "indices in 0..39999", "top_k returns key indices")
    close(called, np.take_along_axis(S, got, axis=1), expected,
          "the cosines of the returned keys must be the 10 highest of each row, highest first",
          rtol=1e-6, atol=1e-9)


# ---------------------------------------------------------------- analogy

def _analogy_scores(E, a, b, c, method, eps=1e-3):
    """The score of every word x, one word at a time."""
    def cos(x, y):
        return float(np.dot(x, y) / (np.linalg.norm(x) * np.linalg.norm(y)))
    scores = []
    for x in E:
        ca, cb, cc = cos(x, E[a]), cos(x, E[b]), cos(x, E[c])
        if method == "3cosadd":
            scores.append(cb - ca + cc)
        else:
            scores.append(((cb + 1) / 2) * ((cc + 1) / 2) / ((ca + 1) / 2 + eps))
    return scores


# man, woman, king, queen, throne, apple: "man is to king as woman is to ?"
ROYAL = np.array([[1, 0, 3, 0], [-1, 0, 3, 0], [1, 1, 3, 0], [-1, 1, 3, 2], [0, 2, 1, 0], [0, -1, 1, 1]],
                 dtype=float)

# Built so that 3cosadd answers 4 and 3cosmul answers 5, and that each of these changes the
# answer: keeping a, b, c as candidates (c wins), 3cosmul on unshifted cosines (4), eps=0.5
# instead of 1e-3 (4), 3cosadd on cos(x, E[b] - E[a] + E[c]) or on unnormalized x (5).
MIXED = np.array([[-3, -2, 3], [1, -1, 0], [3, 0, -3], [1, 2, 2], [1, -2, 0], [0, 2, -3], [-3, 0, -3]], float)

# Word 5 points exactly away from a, so cos'(x, a) = 0: only eps keeps it from winning 3cosmul.
OPPOSITE = np.array([[4, 3, -5], [2, 2, -3], [6, 4, -4], [1, 1, 6], [1, 4, 5], [-4, -3, 5]], float)


@pytest.mark.parametrize("method", ["3cosadd", "3cosmul"])
def test_analogy_man_king_woman_queen(kata, method):
    """analogy answers man : king :: woman : queen"""
    called = kata.analogy(ROYAL, 0, 2, 1, method=method)
    got = as_ints(called, (1,))
    equal(called, got, np.array([3]), "the best word other than a, b and c is queen (3); "
          "woman (c) itself would score highest if it were not excluded")


@pytest.mark.parametrize("method", ["3cosadd", "3cosmul"])
def test_analogy_never_returns_a_b_or_c(kata, method):
    """analogy never returns a, b or c"""
    called = kata.analogy(MIXED, 0, 1, 2, k=4, method=method)
    got = as_ints(called, (4,))
    expect(sorted(got.tolist()) == [3, 4, 5, 6], called, f"returned {got.tolist()}", "the words 3, 4, 5, 6 "
           "in some order", "a, b and c are excluded: the nearest word to b - a + c is usually b or c itself")


def test_analogy_3cosadd(kata):
    """analogy with 3cosadd maximizes cos(x, b) - cos(x, a) + cos(x, c)"""
    called = kata.analogy(MIXED, 0, 1, 2, method="3cosadd")
    got = as_ints(called, (1,))
    expected = _ranking(_analogy_scores(MIXED, 0, 1, 2, "3cosadd"), 1, skip={0, 1, 2})
    equal(called, got, np.array(expected), "sum the three cosines of the unit vectors; "
          "cos(x, E[b] - E[a] + E[c]) or unnormalized x give other answers")


def test_analogy_3cosmul(kata):
    """analogy with 3cosmul maximizes cos'(x, b) cos'(x, c) / (cos'(x, a) + eps), cos' = (cos + 1) / 2"""
    called = kata.analogy(MIXED, 0, 1, 2, method="3cosmul")
    got = as_ints(called, (1,))
    expected = _ranking(_analogy_scores(MIXED, 0, 1, 2, "3cosmul"), 1, skip={0, 1, 2})
    equal(called, got, np.array(expected), "here 3cosmul and 3cosadd disagree; shift every cosine to "
          "[0, 1] with (cos + 1) / 2 before multiplying and dividing")


def test_analogy_3cosmul_needs_eps(kata):
    """analogy with 3cosmul adds eps to the denominator"""
    called = kata.analogy(OPPOSITE, 0, 1, 2, method="3cosmul")
    got = as_ints(called, (1,))
    expected = _ranking(_analogy_scores(OPPOSITE, 0, 1, 2, "3cosmul"), 1, skip={0, 1, 2})
    equal(called, got, np.array(expected), "word 5 is opposite to a, so cos'(x, a) = 0: without + eps "
          "it divides by zero and wins with an infinite score")


def test_analogy_uses_the_eps_argument(kata):
    """analogy with 3cosmul uses the eps it is given"""
    called = kata.analogy(MIXED, 0, 1, 2, method="3cosmul", eps=0.5)
    got = as_ints(called, (1,))
    expected = _ranking(_analogy_scores(MIXED, 0, 1, 2, "3cosmul", eps=0.5), 1, skip={0, 1, 2})
    equal(called, got, np.array(expected), "eps=0.5 weakens the denominator and changes the answer")


@pytest.mark.parametrize("method", ["3cosadd", "3cosmul"])
def test_analogy_k_best_first(kata, method):
    """analogy with k > 1 returns the k best words, best first"""
    called = kata.analogy(MIXED, 0, 1, 2, k=3, method=method)
    got = as_ints(called, (3,))
    expected = _ranking(_analogy_scores(MIXED, 0, 1, 2, method), 3, skip={0, 1, 2})
    equal(called, got, np.array(expected),
          "entry 0 is the best remaining word, entry 1 the second best, and so on")


REPEATS = {"a == c": (0, 1, 0), "a == b": (2, 2, 5), "a == b == c": (3, 3, 3)}


@pytest.mark.parametrize("case", [f"{method}, {words}" for method in ("3cosadd", "3cosmul") for words in REPEATS])
def test_analogy_with_repeated_words(kata, case):
    """analogy excludes each of a, b, c once when they repeat"""
    method, words = case.split(", ")
    a, b, c = REPEATS[words]
    skip = {a, b, c}
    k = len(MIXED) - len(skip)  # every remaining word: more than len(E) - 3 when a, b, c repeat
    called = kata.analogy(MIXED, a, b, c, k=k, method=method)
    got = as_ints(called, (k,))
    expected = _ranking(_analogy_scores(MIXED, a, b, c, method), k, skip=skip)
    equal(called, got, np.array(expected), f"a, b, c = {a}, {b}, {c} exclude {len(skip)} distinct words, so "
          f"{k} remain and may all be asked for (count the distinct words, not 3)")


@pytest.mark.validation
@pytest.mark.parametrize("case, why", [
    ("a_range", "a must be a word index in 0..len(E)-1"),
    ("b_negative", "a negative index is out of range, not numpy's wrap-around"),
    ("c_range", "c must be a word index in 0..len(E)-1"),
    ("method", "method must be '3cosadd' or '3cosmul'"),
    ("k_zero", "k must be at least 1"),
    ("k_too_large", "only len(E) - 3 words remain once a, b and c are excluded"),
    ("k_too_large_repeats", "a == c: only len(E) - 2 words remain once a, b and c are excluded"),
    ("eps_zero", "eps must be > 0: 3cosmul divides by cos'(x, a) + eps, and cos'(x, a) can be 0"),
    ("eps_negative", "eps must be > 0"),
])
def test_analogy_rejects_bad_input(kata, case, why):
    """analogy raises a ValueError for bad input"""
    args, kwargs = {
        "a_range": ((MIXED, 7, 1, 2), {}),
        "b_negative": ((MIXED, 0, -1, 2), {}),
        "c_range": ((MIXED, 0, 1, 9), {}),
        "method": ((MIXED, 0, 1, 2), {"method": "3cosfoo"}),
        "k_zero": ((MIXED, 0, 1, 2), {"k": 0}),
        "k_too_large": ((MIXED, 0, 1, 2), {"k": 5}),
        "k_too_large_repeats": ((MIXED, 0, 1, 0), {"k": 6}),
        "eps_zero": ((MIXED, 0, 1, 2), {"method": "3cosmul", "eps": 0.0}),
        "eps_negative": ((MIXED, 0, 1, 2), {"method": "3cosmul", "eps": -1e-3}),
    }[case]
    with kata.raises(why):
        kata.analogy(*args, **kwargs)


# ---------------------------------------------------------------- contract-wide

@pytest.mark.side
def test_inputs_are_left_unchanged(kata):
    """no function changes its inputs in place"""
    r = rng(14)
    X, Y = r.normal(size=(5, 3)), r.normal(size=(4, 3))
    X[2] = 0.0
    for called in (kata.normalize(X), kata.cosine_similarity(X, Y), kata.cosine_similarity(X),
                   kata.sq_euclidean(X, Y), kata.sq_euclidean(X),
                   kata.top_k(Y, X, 2, metric="euclidean", exclude=[[0], [1, 2], [], [4]]),
                   kata.analogy(MIXED.copy(), 0, 1, 2, k=2, method="3cosmul")):
        unchanged(called)


@pytest.mark.side
def test_results_are_float64(kata):
    """float results come back as float64 arrays"""
    X = np.arange(6, dtype=np.float32).reshape(3, 2)
    for called in (kata.normalize(X), kata.cosine_similarity(X), kata.sq_euclidean(X)):
        dtype = np.asarray(called.value).dtype
        expect(dtype == np.float64, called, f"returned dtype {dtype}", "float64",
               "the contract's arrays are float64: convert inputs with np.asarray(X, dtype=float)")
