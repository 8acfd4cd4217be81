"""Hidden suite of kata 1, lookup_tables.

Expected values come from plain formulas written here (fancy indexing, loops over a
handful of ids) and from finite differences of the forward pass; never from solutions/.
"""

import numpy as np
import pytest

from grading.checks import as_array, close, expect, fixed, numerical_gradient, unchanged

KATA = "lookup_tables"


def rng(seed):
    return np.random.default_rng(seed)


# ---------------------------------------------------------------- one_hot

def test_one_hot_values(kata):
    """one_hot puts a single 1.0 at each id"""
    ids = np.array([2, 0, 3, 2])
    called = kata.one_hot(ids, 4)
    got = as_array(called, (4, 4))
    expected = np.array([[0, 0, 1, 0], [1, 0, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]], dtype=float)
    close(called, got, expected, "row i has a 1.0 in column ids[i] and zeros elsewhere", atol=0)


def test_one_hot_keeps_the_shape_of_ids(kata):
    """one_hot of a 2-D array of ids has shape ids.shape + (num_classes,)"""
    ids = rng(1).integers(0, 5, size=(2, 3))
    called = kata.one_hot(ids, 5)
    got = as_array(called, (2, 3, 5))
    expected = (ids[..., None] == np.arange(5)).astype(float)
    close(called, got, expected, "the class axis is added last, after all the axes of ids", atol=0)


def test_one_hot_vectors_are_sqrt2_apart(kata):
    """every pair of distinct one-hot vectors is sqrt(2) apart"""
    called = kata.one_hot(np.arange(6), 6)
    got = as_array(called, (6, 6))
    dist = np.sqrt(((got[:, None, :] - got[None, :, :]) ** 2).sum(-1))
    expected = np.sqrt(2.0) * (1 - np.eye(6))
    close(called, dist, expected, "one-hot vectors are orthonormal, so distinct ones are sqrt(2) apart")


@pytest.mark.validation
@pytest.mark.parametrize("ids, num_classes, why", [
    ([0, 1], 0, "num_classes must be at least 1"),
    ([0, 3], 3, "an id equal to num_classes is out of range"),
    ([0, -1], 3, "a negative id is out of range, not numpy's wrap-around"),
    (np.array([0.0, 1.0]), 3, "ids must be integers, not floats"),
    (np.array([True, False]), 3, "bools are not ids"),
])
def test_one_hot_rejects_bad_input(kata, ids, num_classes, why):
    """one_hot raises a ValueError for bad input"""
    with kata.raises(why):
        kata.one_hot(ids, num_classes)


# ---------------------------------------------------------------- lookup

def test_lookup_returns_rows(kata):
    """lookup returns table[ids], repeated ids included"""
    table = rng(2).normal(size=(5, 3))
    ids = np.array([4, 0, 4, 2])
    called = kata.lookup(table, ids)
    got = as_array(called, (4, 3))
    close(called, got, np.stack([table[4], table[0], table[4], table[2]]), "row k of the result is table[ids[k]]")


def test_lookup_equals_one_hot_matmul(kata):
    """lookup(table, ids) == one_hot(ids) @ table for 2-D ids"""
    table = rng(3).normal(size=(7, 4))
    ids = rng(4).integers(0, 7, size=(3, 5))
    called = kata.lookup(table, ids)
    got = as_array(called, (3, 5, 4))
    one_hot = (ids[..., None] == np.arange(7)).astype(float)
    close(called, got, one_hot @ table, "a lookup is the one-hot product without the zeros")


@pytest.mark.validation
@pytest.mark.parametrize("case, why", [
    ("negative", "a negative id is an error, not numpy's wrap-around to the last row"),
    ("too_large", "ids must be < len(table)"),
    ("float_ids", "ids must be integers"),
    ("table_1d", "the table must be 2-D (num_embeddings, d)"),
])
def test_lookup_rejects_bad_input(kata, case, why):
    """lookup raises a ValueError for bad input"""
    table = np.arange(12.0).reshape(4, 3)
    args = {
        "negative": (table, np.array([0, -1])),
        "too_large": (table, np.array([4])),
        "float_ids": (table, np.array([1.0])),
        "table_1d": (np.arange(4.0), np.array([1])),
    }[case]
    with kata.raises(why):
        kata.lookup(*args)


# ---------------------------------------------------------------- lookup_backward

def test_lookup_backward_distinct_ids(kata):
    """lookup_backward puts each row of grad_out at its id"""
    grad = rng(5).normal(size=(3, 2))
    called = kata.lookup_backward(grad, np.array([2, 0, 3]), 5)
    got = as_array(called, (5, 2))
    expected = np.zeros((5, 2))
    expected[2], expected[0], expected[3] = grad[0], grad[1], grad[2]
    close(called, got, expected, "row ids[k] of the gradient receives grad_out[k]; unused rows stay 0")


def test_lookup_backward_repeated_ids_accumulate(kata):
    """lookup_backward adds up the rows of repeated ids"""
    grad = np.array([[0.2, 0.1, 0.0], [1.0, 2.0, 3.0], [0.5, 0.5, 0.5], [4.0, 0.0, 1.0]])
    ids = np.array([3, 1, 3, 0])
    called = kata.lookup_backward(grad, ids, 5)
    got = as_array(called, (5, 3))
    expected = np.zeros((5, 3))
    for k, i in enumerate(ids):
        expected[i] += grad[k]
    close(called, got, expected, "repeated ids must accumulate (dW[ids] += g keeps only one of them; "
          "use np.add.at)")


def test_lookup_backward_matches_finite_differences(kata):
    """lookup_backward is the gradient of sum(grad_out * lookup(table, ids))"""
    r = rng(6)
    ids = r.integers(0, 4, size=(3, 4))
    grad = r.normal(size=(3, 4, 2))
    table = r.normal(size=(4, 2))
    numeric = numerical_gradient(lambda t: float(np.sum(grad * t[ids])), table)
    called = kata.lookup_backward(grad, ids, 4)
    got = as_array(called, (4, 2))
    close(called, got, numeric, "each entry is d(sum(grad_out * table[ids])) / d table, "
          "as finite differences measure it", rtol=1e-5, atol=1e-6)


def test_lookup_backward_zeroes_the_padding_row(kata):
    """lookup_backward leaves row padding_idx at zero"""
    grad = rng(7).normal(size=(5, 3))
    ids = np.array([0, 2, 0, 1, 2])
    called = kata.lookup_backward(grad, ids, 4, padding_idx=0)
    got = as_array(called, (4, 3))
    expected = np.zeros((4, 3))
    expected[2] = grad[1] + grad[4]
    expected[1] = grad[3]
    close(called, got, expected, "the padding row gets no gradient; the other rows still accumulate")


@pytest.mark.validation
@pytest.mark.parametrize("case, why", [
    ("grad_shape", "grad_out must have shape ids.shape + (d,)"),
    ("id_range", "ids must be in 0..num_embeddings-1"),
    ("padding_range", "padding_idx must be None or in 0..num_embeddings-1"),
])
def test_lookup_backward_rejects_bad_input(kata, case, why):
    """lookup_backward raises a ValueError for bad input"""
    grad = np.ones((3, 2))
    args = {
        "grad_shape": (np.ones((2, 2)), np.array([0, 1, 2]), 4),
        "id_range": (grad, np.array([0, 1, 4]), 4),
        "padding_range": (grad, np.array([0, 1, 2]), 4, 7),
    }[case]
    with kata.raises(why):
        kata.lookup_backward(*args)


# ---------------------------------------------------------------- bag_mean

def test_bag_mean_without_padding(kata):
    """bag_mean averages the embeddings of each bag"""
    table = rng(8).normal(size=(6, 3))
    ids = np.array([[0, 1, 2], [5, 5, 1], [3, 3, 3]])
    called = kata.bag_mean(table, ids)
    got = as_array(called, (3, 3))
    expected = np.stack([(table[0] + table[1] + table[2]) / 3, (2 * table[5] + table[1]) / 3, table[3]])
    close(called, got, expected, "row i is the mean of table[ids[i, l]] over the L positions")


def test_bag_mean_ignores_padding(kata):
    """bag_mean averages over the non-padding positions only"""
    table = rng(9).normal(size=(5, 2))
    ids = np.array([[1, 2, 0, 0], [4, 0, 4, 3]])
    called = kata.bag_mean(table, ids, padding_idx=0)
    got = as_array(called, (2, 2))
    expected = np.stack([(table[1] + table[2]) / 2, (2 * table[4] + table[3]) / 3])
    close(called, got, expected, "divide by the number of non-padding positions, not by L")


def test_bag_mean_all_padding_gives_zeros(kata):
    """bag_mean gives a zero row for a bag of nothing but padding"""
    table = rng(10).normal(size=(4, 3))
    ids = np.array([[2, 2], [0, 0]])
    called = kata.bag_mean(table, ids, padding_idx=0)
    got = as_array(called, (2, 3))
    close(called, got, np.stack([table[2], np.zeros(3)]), "an empty bag's mean is defined as zeros, not 0/0 = NaN")


@pytest.mark.validation
@pytest.mark.parametrize("case, why", [
    ("ids_1d", "ids must be 2-D (n, L): one row per bag"),
    ("id_range", "ids must be in 0..len(table)-1"),
    ("padding_range", "padding_idx must be None or in 0..len(table)-1"),
])
def test_bag_mean_rejects_bad_input(kata, case, why):
    """bag_mean raises a ValueError for bad input"""
    table = np.ones((4, 2))
    args = {
        "ids_1d": (table, np.array([0, 1])),
        "id_range": (table, np.array([[0, 9]])),
        "padding_range": (table, np.array([[0, 1]]), -1),
    }[case]
    with kata.raises(why):
        kata.bag_mean(*args)


# ---------------------------------------------------------------- bag_mean_backward

def _bag_mean_formula(table, ids, padding_idx):
    """The forward pass written out with loops, for finite differences."""
    out = np.zeros((ids.shape[0], table.shape[1]))
    for i, bag in enumerate(ids):
        kept = [t for t in bag if t != padding_idx]
        if kept:
            out[i] = sum(table[t] for t in kept) / len(kept)
    return out


def test_bag_mean_backward_matches_finite_differences(kata):
    """bag_mean_backward is the gradient of sum(grad_out * bag_mean(table, ids))"""
    r = rng(11)
    ids = np.array([[1, 2, 1, 0], [3, 0, 0, 0], [0, 0, 0, 0], [4, 4, 2, 3]])
    grad = r.normal(size=(4, 3))
    table = r.normal(size=(5, 3))
    numeric = numerical_gradient(lambda t: float(np.sum(grad * _bag_mean_formula(t, ids, 0))), table)
    called = kata.bag_mean_backward(grad, ids, 5, padding_idx=0)
    got = as_array(called, (5, 3))
    close(called, got, numeric, "bag i sends grad_out[i] / count_i to each of its non-padding ids, "
          "and repeated ids accumulate", rtol=1e-5, atol=1e-6)


def test_bag_mean_backward_without_padding(kata):
    """bag_mean_backward without padding divides by the bag length"""
    grad = np.array([[3.0, 6.0], [1.0, 1.0]])
    ids = np.array([[1, 2, 1], [0, 0, 0]])
    called = kata.bag_mean_backward(grad, ids, 3)
    got = as_array(called, (3, 2))
    expected = np.array([[1.0, 1.0], [2.0, 4.0], [1.0, 2.0]])
    close(called, got, expected, "with no padding every position counts: each gets grad_out[i] / L")


@pytest.mark.validation
@pytest.mark.parametrize("case, why", [
    ("grad_one_row", "grad_out needs one row per bag: a (1, d) grad_out for 3 bags is not broadcast"),
    ("grad_1d", "grad_out must be 2-D (n, d)"),
    ("ids_1d", "ids must be 2-D (n, L): one row per bag"),
    ("id_range", "ids must be in 0..num_embeddings-1"),
    ("no_embeddings", "num_embeddings must be an integer >= 1"),
    ("padding_range", "padding_idx must be None or in 0..num_embeddings-1"),
])
def test_bag_mean_backward_rejects_bad_input(kata, case, why):
    """bag_mean_backward raises a ValueError for bad input"""
    ids = np.array([[0, 1], [2, 2], [1, 0]])
    grad = np.ones((3, 2))
    args = {
        "grad_one_row": (np.ones((1, 2)), ids, 4),
        "grad_1d": (np.ones(3), ids, 4),
        "ids_1d": (grad, np.array([0, 1, 2]), 4),
        "id_range": (grad, np.array([[0, 1], [2, 4], [1, 0]]), 4),
        "no_embeddings": (np.ones((1, 2)), np.zeros((1, 2), dtype=int), 0),
        "padding_range": (grad, ids, 4, 4),
    }[case]
    with kata.raises(why):
        kata.bag_mean_backward(*args)


# ---------------------------------------------------------------- contract-wide

@pytest.mark.side
@pytest.mark.parametrize("case", ["one_hot of []", "one_hot of (2, 0) ids", "lookup of []",
                                  "lookup of (0, 2) ids", "lookup_backward of []"])
def test_empty_ids_give_empty_results(kata, case):
    """no ids give an empty result of the documented shape, whatever the dtype of the empty array"""
    table = np.arange(12.0).reshape(4, 3)
    called, shape = {
        "one_hot of []": lambda: (kata.one_hot([], 4), (0, 4)),
        "one_hot of (2, 0) ids": lambda: (kata.one_hot(np.zeros((2, 0), dtype=np.int64), 3), (2, 0, 3)),
        "lookup of []": lambda: (kata.lookup(table, []), (0, 3)),
        "lookup of (0, 2) ids": lambda: (kata.lookup(table, np.zeros((0, 2), dtype=np.int32)), (0, 2, 3)),
        "lookup_backward of []": lambda: (kata.lookup_backward(np.zeros((0, 3)), [], 4), (4, 3)),
    }[case]()
    got = as_array(called, shape)
    close(called, got, np.zeros(shape), "an empty array of ids holds no float id, even though numpy makes [] "
          "float64: check the dtype only when there are ids (ids.size > 0)", atol=0)



@pytest.mark.side
def test_inputs_are_left_unchanged(kata):
    """no function changes its inputs in place"""
    r = rng(12)
    table = r.normal(size=(5, 3))
    ids = np.array([[1, 0, 4], [2, 2, 0]])
    grad2 = r.normal(size=(2, 3))
    grad3 = r.normal(size=(2, 3, 3))
    for called in (kata.one_hot(ids, 5), kata.lookup(table, ids), kata.lookup(table, np.array([3, 0, 2, 0])),
                   kata.lookup_backward(grad3, ids, 5, padding_idx=0), kata.bag_mean(table, ids, padding_idx=0),
                   kata.bag_mean_backward(grad2, ids, 5, padding_idx=0)):
        unchanged(called)


@pytest.mark.side
def test_results_are_float64(kata):
    """float results come back as float64 arrays, also for float32 and integer tables"""
    table32 = np.arange(6, dtype=np.float32).reshape(3, 2)
    table_int = np.arange(6).reshape(3, 2)
    bags = np.array([[0, 1], [2, 2]])
    for called in (kata.one_hot(np.array([1]), 3), kata.lookup(table32, np.array([2])),
                   kata.lookup(table_int, np.array([2, 0])), kata.bag_mean(table32, bags),
                   kata.bag_mean(table_int, bags)):
        dtype = np.asarray(called.value).dtype
        expect(dtype == np.float64, called, f"returned dtype {dtype}", "float64",
               "the contract's arrays are float64 whatever the table's dtype (np.zeros gives that; convert "
               "tables with np.asarray(table, dtype=float))")


@fixed
def _many_ids():
    """1.5 million ids of 1000 rows, their gradients, and the rows' sums of them."""
    r = rng(13)
    ids = r.integers(0, 1000, size=1_500_000, dtype=np.int32)
    grad = r.random((1_500_000, 1), dtype=np.float32)
    return ids, grad, np.bincount(ids, weights=grad[:, 0].astype(np.float64), minlength=1000)[:, None]


@pytest.mark.scale(0.35, "correct but too slow: vectorize (np.add.at or np.bincount, no Python loop)")
def test_scale_lookup_backward_is_vectorized(kata):
    """lookup_backward handles 1.5 million ids quickly"""
    ids, grad, expected = _many_ids()
    called = kata.lookup_backward(grad, ids, 1000)
    got = as_array(called, (1000, 1))
    close(called, got, expected, "repeated ids must accumulate", rtol=1e-6, atol=1e-6)
