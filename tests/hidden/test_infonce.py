"""Hidden suite of kata 4, infonce.

Expected values come from plain formulas written here (the loss written out with numpy,
loops over pairs), from finite differences that the judge computes on those formulas
(never on the learner's own loss, so a wrong loss cannot vouch for a wrong gradient),
from invariances and from small hand-derived cases; never from solutions/.
"""

import numpy as np
import pytest

from grading.checks import as_array, as_float, close, expect, finite, fixed, numerical_gradient, unchanged
from grading.wire import Ref

import callables

KATA = "infonce"

GRAD_WHY = ("dz must match finite differences of the loss: check 1/temperature, the 1/B of the mean, "
            "the Jacobian (I - n n^T) / ||z||")
DIRECTION = {False: "one-way", True: "symmetric"}


def rng(seed):
    return np.random.default_rng(seed)


def batch(seed, B, d):
    """Two (B, d) batches whose rows have lengths between 0.5 and 3 (so the norms matter)."""
    r = rng(seed)
    z1, z2 = r.normal(size=(B, d)), r.normal(size=(B, d))
    z1 *= r.uniform(0.5, 3.0, size=(B, 1)) / np.linalg.norm(z1, axis=1, keepdims=True)
    z2 *= r.uniform(0.5, 3.0, size=(B, 1)) / np.linalg.norm(z2, axis=1, keepdims=True)
    return z1, z2


def unit(z):
    return z / np.linalg.norm(z, axis=1, keepdims=True)


def unit_or_zero(z):
    """Rows of z scaled to unit length; rows of zeros stay zeros."""
    norms = np.linalg.norm(z, axis=1, keepdims=True)
    return np.where(norms > 0, z / np.where(norms > 0, norms, 1.0), 0.0)


def plain_lse(X, axis):
    m = X.max(axis=axis, keepdims=True)
    return (m + np.log(np.exp(X - m).sum(axis=axis, keepdims=True))).squeeze(axis)


def plain_info_nce(z1, z2, temperature, symmetric=False):
    """The loss written out: rows normalized, logits, log-softmax of the diagonal."""
    S = (unit(z1) / temperature) @ unit(z2).T
    rows = np.mean(plain_lse(S, 1) - np.diag(S))
    if not symmetric:
        return rows
    return (rows + np.mean(plain_lse(S, 0) - np.diag(S))) / 2


def grad_parts(called, B, d):
    loss = as_float(called.part(0, "loss"))
    dz1 = as_array(called.part(1, "dz1"), (B, d))
    dz2 = as_array(called.part(2, "dz2"), (B, d))
    return loss, dz1, dz2


# ---------------------------------------------------------------- logsumexp

def test_logsumexp_values(kata):
    """logsumexp of a 2-D array works along the last axis by default"""
    X = rng(1).normal(size=(3, 5)) * 3
    called = kata.logsumexp(X)
    got = as_array(called, (3,))
    close(called, got, np.log(np.sum(np.exp(X), axis=-1)), "log(sum(exp(X))) along the last axis, one value per row")


@pytest.mark.parametrize("axis", [0, 1, -1], ids=lambda a: f"axis={a}")
def test_logsumexp_along_an_axis(kata, axis):
    """logsumexp reduces exactly the axis it is given"""
    X = rng(2).normal(size=(2, 3, 4))
    called = kata.logsumexp(X, axis=axis)
    expected = np.log(np.sum(np.exp(X), axis=axis))
    got = as_array(called, expected.shape)
    close(called, got, expected, "the result has X's shape without `axis` (np.max(..., keepdims=True) "
          "keeps the shift broadcastable)")


def test_logsumexp_of_a_vector_is_a_number(kata):
    """logsumexp of a 1-D array is a single number"""
    called = kata.logsumexp([1.0, 2.0, 3.0])
    got = as_float(called)
    close(called, got, np.log(np.exp(1.0) + np.exp(2.0) + np.exp(3.0)), "log(e^1 + e^2 + e^3)")


def test_logsumexp_huge_values(kata):
    """logsumexp does not overflow on huge entries"""
    X = np.array([[1000.0, 1000.0], [-1000.0, -1000.0], [1e4, 0.0], [710.0, 709.0]])
    called = kata.logsumexp(X)
    got = as_array(called, (4,))
    expected = np.array([1000 + np.log(2), -1000 + np.log(2), 1e4, 710 + np.log1p(np.exp(-1.0))])
    finite(called, got, "exp(1000) overflows: subtract the row max first, lse = m + log(sum(exp(x - m)))")
    close(called, got, expected, "lse(x) = m + log(sum(exp(x - m))) with m = max(x)", rtol=1e-12)


def test_logsumexp_minus_infinity_entries(kata):
    """logsumexp treats -inf entries as exp(-inf) = 0"""
    X = np.array([[-np.inf, 0.0, np.log(3.0)], [1.0, -np.inf, 1.0]])
    called = kata.logsumexp(X)
    got = as_array(called, (2,))
    close(called, got, [np.log(4.0), 1.0 + np.log(2.0)], "a -inf entry adds exp(-inf) = 0 to the sum")


def test_logsumexp_all_minus_infinity(kata):
    """logsumexp of a row of nothing but -inf is -inf, not NaN"""
    X = np.array([[-np.inf, -np.inf, -np.inf], [0.0, 0.0, -np.inf]])
    called = kata.logsumexp(X)
    got = as_array(called, (2,))
    expect(not np.isnan(got).any(), called, f"returned {got}", "[-inf 0.6931]",
           "the max of the first row is -inf and -inf - (-inf) is NaN: shift by 0 when the max is not finite")
    close(called, got, [-np.inf, np.log(2.0)], "the sum of exp(-inf) is 0, and log(0) = -inf")


def test_logsumexp_plus_infinity(kata):
    """logsumexp of a slice that holds +inf is +inf, not NaN"""
    X = np.array([[0.0, np.inf, 1.0], [1000.0, np.inf, -np.inf], [1.0, 2.0, np.log(5.0)]])
    called = kata.logsumexp(X)
    got = as_array(called, (3,))
    expect(not np.isnan(got).any(), called, f"returned {got}", "[inf inf 2.4076]",
           "the max of the first row is +inf and inf - inf is NaN: a slice whose max is +inf sums to +inf")
    close(called, got, [np.inf, np.inf, np.log(np.e + np.e ** 2 + 5.0)], "exp(+inf) = +inf: the sum and its "
          "log are +inf; the other rows as usual")


def test_logsumexp_axis_none(kata):
    """logsumexp with axis=None reduces every entry to one number"""
    X = rng(30).normal(size=(3, 4)) * 4
    called = kata.logsumexp(X, axis=None)
    got = as_float(called)
    close(called, got, np.log(np.sum(np.exp(X))), "axis=None means every entry, as in np.sum(X, axis=None): "
          "one Python float", rtol=1e-12)


@pytest.mark.parametrize("case", ["(2, 0) along the last axis", "(0, 3) along axis 0", "[] of one axis"])
def test_logsumexp_of_an_empty_axis(kata, case):
    """logsumexp over an axis of no entries is -inf, log of an empty sum"""
    X, axis, shape = {
        "(2, 0) along the last axis": (np.zeros((2, 0)), -1, (2,)),
        "(0, 3) along axis 0": (np.zeros((0, 3)), 0, (3,)),
        "[] of one axis": (np.zeros(0), -1, None),
    }[case]
    called = kata.logsumexp(X, axis=axis)
    got = as_float(called) if shape is None else as_array(called, shape)
    close(called, got, np.full(shape or (), -np.inf), "a sum of no terms is 0 and log(0) = -inf (np.max refuses "
          "an empty axis: np.max(X, axis, keepdims=True, initial=-np.inf) gives -inf there)")


# ---------------------------------------------------------------- info_nce

def test_info_nce_hand_case(kata):
    """info_nce: the positive of row i is row i, the softmax runs over each row"""
    called = kata.info_nce([[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [1.0, 0.0]], temperature=1.0)
    got = as_float(called)
    close(called, got, np.log(2.0), "S = [[1, 1], [0, 0]]: each row of S has log-softmax log(1/2) at "
          "its diagonal entry (softmax over j, along a row, not down a column)")


def test_info_nce_matches_the_plain_formula(kata):
    """info_nce equals the loss written out on a random batch"""
    z1, z2 = batch(3, 6, 4)
    called = kata.info_nce(z1, z2, temperature=0.2)
    got = as_float(called)
    close(called, got, plain_info_nce(z1, z2, 0.2), "normalize the rows, S = n1 @ n2.T / temperature, "
          "loss = mean_i(logsumexp_j S[i, j] - S[i, i])")


def test_info_nce_symmetric(kata):
    """info_nce(symmetric=True) averages the loss on S and on S.T"""
    z1, z2 = batch(4, 5, 3)
    called = kata.info_nce(z1, z2, temperature=0.3, symmetric=True)
    got = as_float(called)
    close(called, got, plain_info_nce(z1, z2, 0.3, symmetric=True),
          "CLIP's loss is the mean (not the sum) of the row loss and the column loss")


def test_info_nce_default_temperature(kata):
    """info_nce uses temperature 0.1 by default"""
    z1, z2 = batch(5, 4, 3)
    called = kata.info_nce(z1, z2)
    got = as_float(called)
    close(called, got, plain_info_nce(z1, z2, 0.1), "the default temperature is 0.1")


def test_info_nce_ignores_the_lengths(kata):
    """info_nce does not change when rows are rescaled"""
    z1, z2 = batch(6, 5, 3)
    scaled = z1 * np.array([[0.01], [7.0], [1.0], [300.0], [0.5]])
    called = kata.info_nce(scaled, z2, temperature=0.1)
    got = as_float(called)
    close(called, got, plain_info_nce(z1, z2, 0.1), "the logits are cosines: normalize each row to unit length first")


@pytest.mark.side
@pytest.mark.parametrize("symmetric", [False, True], ids=DIRECTION.get)
def test_info_nce_batch_of_one_is_zero(kata, symmetric):
    """info_nce of a batch of one is 0"""
    called = kata.info_nce([[3.0, -1.0, 2.0]], [[0.5, 4.0, -2.0]], temperature=0.05, symmetric=symmetric)
    got = as_float(called)
    close(called, got, 0.0, "with one pair, logsumexp of one logit is that logit, minus itself", atol=1e-12)


def test_info_nce_identical_rows(kata):
    """info_nce is log B when every logit is the same"""
    z1 = np.tile([[1.0, 2.0, -1.0]], (5, 1))
    z2 = np.tile([[-3.0, 0.5, 2.0]], (5, 1))
    called = kata.info_nce(z1, z2, temperature=0.01)
    got = as_float(called)
    close(called, got, np.log(5.0), "equal logits give softmax 1/B at the positive, so loss log B")


def test_info_nce_tiny_temperature(kata):
    """info_nce is finite and right at temperature 1e-4"""
    z1, z2 = batch(7, 6, 3)
    called = kata.info_nce(z1, z2, temperature=1e-4, symmetric=True)
    got = as_float(called)
    finite(called, got, "logits of size 1e4 overflow exp: subtract the max before exponentiating")
    close(called, got, plain_info_nce(z1, z2, 1e-4, symmetric=True), "a stable logsumexp gives the exact loss")


def test_info_nce_huge_norms(kata):
    """info_nce is finite and right for rows of length 1e8"""
    z1, z2 = batch(8, 4, 3)
    called = kata.info_nce(z1 * 1e8, z2 * 1e8, temperature=0.1)
    got = as_float(called)
    close(called, got, plain_info_nce(z1, z2, 0.1),
          "only directions matter: normalize the rows before the dot products")


BAD = {
    "shapes differ": (np.ones((3, 2)), np.ones((3, 4)), 0.1, "z1 and z2 must have the same shape"),
    "batch sizes differ": (np.ones((3, 2)), np.ones((2, 2)), 0.1, "z1 and z2 must have the same shape"),
    "temperature 0": (np.eye(2), np.eye(2), 0.0, "temperature must be > 0"),
    "negative temperature": (np.eye(2), np.eye(2), -0.1, "temperature must be > 0"),
    "empty batch": (np.zeros((0, 3)), np.zeros((0, 3)), 0.1, "an empty batch has no loss"),
    "1-D vectors": (np.ones(3), np.ones(3), 0.1, "z1 and z2 must be 2-D (B, d)"),
}


@pytest.mark.validation
@pytest.mark.parametrize("case", [f"{func}, {bad}" for bad in BAD for func in ("info_nce", "info_nce_grad")])
def test_info_nce_rejects_bad_input(kata, case):
    """info_nce and info_nce_grad raise a ValueError for bad input"""
    func, bad = case.split(", ", 1)
    z1, z2, temperature, why = BAD[bad]
    with kata.raises(why):
        getattr(kata, func)(z1, z2, temperature)


# ---------------------------------------------------------------- info_nce_grad

GRID = [  # B, d, temperature, symmetric (a batch of one has zero gradients: test_info_nce_grad_batch_of_one)
    (2, 5, 0.1, False), (2, 5, 0.1, True), (9, 1, 0.5, False), (9, 1, 0.5, True),
    (2, 2, 1.0, False), (5, 3, 0.01, False), (5, 3, 0.01, True), (6, 4, 0.2, True),
    (8, 5, 0.05, False), (3, 6, 1.0, True),
]


@fixed
def _finite_differences(B, d, temperature, symmetric):
    """A batch, its loss by the plain formula, and the loss's gradients by central differences."""
    z1, z2 = batch(100 + 10 * B + d, B, d)
    num1 = numerical_gradient(lambda z: plain_info_nce(z, z2, temperature, symmetric), z1)
    num2 = numerical_gradient(lambda z: plain_info_nce(z1, z, temperature, symmetric), z2)
    return z1, z2, plain_info_nce(z1, z2, temperature, symmetric), num1, num2


@pytest.mark.parametrize("B, d, temperature, symmetric", GRID,
                         ids=[f"B={B}, d={d}, temperature {t:g}, {DIRECTION[s]}" for B, d, t, s in GRID])
def test_info_nce_grad_matches_finite_differences(kata, B, d, temperature, symmetric):
    """info_nce_grad matches finite differences of the loss"""
    z1, z2, expected_loss, num1, num2 = _finite_differences(B, d, temperature, symmetric)
    called = kata.info_nce_grad(z1, z2, temperature, symmetric)
    loss, dz1, dz2 = grad_parts(called, B, d)
    close(called.part(0, "loss"), loss, expected_loss, "the loss is info_nce's", rtol=1e-9)
    atol = 1e-6 * max(np.abs(num1).max(), np.abs(num2).max(), 1.0)
    also = " (symmetric: both directions, averaged)" if symmetric else ""
    close(called.part(1, "dz1"), dz1, num1, f"{GRAD_WHY}{also}", rtol=1e-5, atol=atol)
    close(called.part(2, "dz2"), dz2, num2, f"{GRAD_WHY}{also}", rtol=1e-5, atol=atol)


def test_info_nce_grad_default_temperature(kata):
    """info_nce_grad uses temperature 0.1 by default"""
    z1, z2 = batch(9, 4, 3)
    called = kata.info_nce_grad(z1, z2)
    _, dz1, _ = grad_parts(called, 4, 3)
    num1 = numerical_gradient(lambda z: plain_info_nce(z, z2, 0.1), z1)
    close(called.part(1, "dz1"), dz1, num1, "the default temperature is 0.1", rtol=1e-5, atol=1e-6)


@pytest.mark.side
@pytest.mark.parametrize("symmetric", [False, True], ids=DIRECTION.get)
def test_info_nce_grad_is_orthogonal_to_z(kata, symmetric):
    """info_nce_grad: row i of dz is orthogonal to row i of z"""
    z1, z2 = batch(10, 6, 5)
    called = kata.info_nce_grad(z1, z2, 0.2, symmetric)
    _, dz1, dz2 = grad_parts(called, 6, 5)
    for k, name, z, dz in ((1, "dz1", z1, dz1), (2, "dz2", z2, dz2)):
        lengths = np.linalg.norm(dz, axis=1)
        expect(np.all(lengths > 0), called.part(k, name), f"{name} with a zero row", "no zero row",
               "every row of a random batch moves the loss (a zero row is orthogonal to anything)")
        dots = np.sum(z * dz, axis=1) / (np.linalg.norm(z, axis=1) * lengths)
        close(called.part(k, name), dots, np.zeros(6),
              f"the cosine between each row of {name} and its row of z: scaling z does not change the loss, "
              "so (I - n n^T) / ||z|| removes the part along n", atol=1e-8)


@pytest.mark.side
@pytest.mark.parametrize("symmetric", [False, True], ids=DIRECTION.get)
def test_info_nce_grad_batch_of_one(kata, symmetric):
    """info_nce_grad of a batch of one: loss 0, zero gradients"""
    called = kata.info_nce_grad([[3.0, -1.0, 2.0]], [[0.5, 4.0, -2.0]], 0.05, symmetric)
    loss, dz1, dz2 = grad_parts(called, 1, 3)
    close(called.part(0, "loss"), loss, 0.0, "logsumexp of one logit minus itself is 0", atol=1e-12)
    close(called.part(1, "dz1"), dz1, np.zeros((1, 3)), "softmax of one logit is 1, so softmax - onehot is 0",
          atol=1e-12)
    close(called.part(2, "dz2"), dz2, np.zeros((1, 3)), "softmax of one logit is 1, so softmax - onehot is 0",
          atol=1e-12)


@pytest.mark.parametrize("symmetric", [False, True], ids=DIRECTION.get)
def test_info_nce_grad_identical_rows(kata, symmetric):
    """info_nce_grad is finite and zero when every row is the same"""
    z1 = np.tile([[1.0, 2.0, -1.0]], (4, 1))
    z2 = np.tile([[-3.0, 0.5, 2.0]], (4, 1))
    called = kata.info_nce_grad(z1, z2, 0.001, symmetric)
    loss, dz1, dz2 = grad_parts(called, 4, 3)
    close(called.part(0, "loss"), loss, np.log(4.0), "equal logits give loss log B")
    for k, name, got in ((1, "dz1", dz1), (2, "dz2", dz2)):
        finite(called.part(k, name), got, "subtract the row max before exp")
        close(called.part(k, name), got, np.zeros((4, 3)), "with equal logits every negative pulls as hard as "
              "the positive: the gradients cancel", atol=1e-9)


def test_info_nce_grad_zero_row(kata):
    """info_nce_grad is finite when a row is all zeros"""
    z1, z2 = batch(15, 4, 3)
    z1[2] = 0.0
    called = kata.info_nce_grad(z1, z2, 0.1, True)
    loss, dz1, dz2 = grad_parts(called, 4, 3)
    finite(called.part(0, "loss"), loss, "z / ||z|| is 0/0 for a zero row: a row shorter than 1e-12 "
           "normalizes to zeros")
    finite(called.part(1, "dz1"), dz1, "dividing by ||z|| = 0 gives inf: a row shorter than 1e-12 gets "
           "gradient 0")
    finite(called.part(2, "dz2"), dz2, "dividing by ||z|| = 0 gives inf: a row shorter than 1e-12 gets "
           "gradient 0")
    n1 = np.zeros_like(z1)
    n1[[0, 1, 3]] = unit(z1[[0, 1, 3]])
    S = n1 @ unit(z2).T / 0.1
    expected = (np.mean(plain_lse(S, 1) - np.diag(S)) + np.mean(plain_lse(S, 0) - np.diag(S))) / 2
    close(called.part(0, "loss"), loss, expected, "a zero row normalizes to zeros, so its logits are all 0")


def plain_info_nce_zero_rows(z1, z2, temperature, symmetric):
    """The plain loss, where rows of zeros normalize to zeros (logits 0)."""
    S = (unit_or_zero(z1) / temperature) @ unit_or_zero(z2).T
    rows = np.mean(plain_lse(S, 1) - np.diag(S))
    return rows if not symmetric else (rows + np.mean(plain_lse(S, 0) - np.diag(S))) / 2


@pytest.mark.parametrize("symmetric", [False, True], ids=DIRECTION.get)
def test_info_nce_grad_of_a_zero_row_is_zero(kata, symmetric):
    """info_nce_grad gives a zero row gradient 0, and the other rows their gradients"""
    z1, z2 = batch(31, 5, 3)
    z1[2] = 0.0
    z2[0] = 0.0
    called = kata.info_nce_grad(z1, z2, 0.2, symmetric)
    loss, dz1, dz2 = grad_parts(called, 5, 3)
    num1 = numerical_gradient(lambda z: plain_info_nce_zero_rows(z, z2, 0.2, symmetric), z1)
    num2 = numerical_gradient(lambda z: plain_info_nce_zero_rows(z1, z, 0.2, symmetric), z2)
    num1[2] = 0.0  # the zero rows: normalized to zeros on the whole ball ||z|| < 1e-12, so gradient 0
    num2[0] = 0.0
    why = ("a row shorter than 1e-12 normalizes to zeros, so nothing flows back to it: its gradient is 0, "
           "not dn / 1e-12 (divide by the norm only where it is >= 1e-12); other rows as usual")
    close(called.part(1, "dz1"), dz1, num1, why, rtol=1e-5, atol=1e-6)
    close(called.part(2, "dz2"), dz2, num2, why, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("temperature", [1e-3, 1e-4], ids=lambda t: f"temperature {t:g}")
def test_info_nce_grad_tiny_temperature(kata, temperature):
    """info_nce_grad is finite and right at tiny temperatures"""
    z1, z2 = batch(11, 4, 3)
    called = kata.info_nce_grad(z1, z2, temperature, True)
    loss, dz1, dz2 = grad_parts(called, 4, 3)
    finite(called.part(0, "loss"), loss, "exp of logits near 1/temperature overflows: subtract the max first")
    finite(called.part(1, "dz1"), dz1, "exp of logits near 1/temperature overflows: subtract the max first")
    finite(called.part(2, "dz2"), dz2, "exp of logits near 1/temperature overflows: subtract the max first")
    num1 = numerical_gradient(lambda z: plain_info_nce(z, z2, temperature, True), z1)
    num2 = numerical_gradient(lambda z: plain_info_nce(z1, z, temperature, True), z2)
    atol = 1e-6 * np.abs(num1).max()
    close(called.part(1, "dz1"), dz1, num1, GRAD_WHY, rtol=1e-5, atol=atol)
    close(called.part(2, "dz2"), dz2, num2, GRAD_WHY, rtol=1e-5, atol=atol)


def test_info_nce_grad_huge_norms(kata):
    """info_nce_grad is right for rows of length 1e8: the gradient shrinks by 1e8"""
    z1, z2 = batch(12, 4, 3)
    called = kata.info_nce_grad(z1 * 1e8, z2 * 1e8, 0.1)
    loss, dz1, dz2 = grad_parts(called, 4, 3)
    num1 = numerical_gradient(lambda z: plain_info_nce(z, z2, 0.1), z1)
    num2 = numerical_gradient(lambda z: plain_info_nce(z1, z, 0.1), z2)
    close(called.part(0, "loss"), loss, plain_info_nce(z1, z2, 0.1), "only directions matter")
    # compared at the scale of z: 1e8 times the gradient at z * 1e8 is the gradient at z
    close(called.part(1, "1e8 * dz1"), dz1 * 1e8, num1, "the normalization divides the gradient by ||z||",
          rtol=1e-5, atol=1e-6)
    close(called.part(2, "1e8 * dz2"), dz2 * 1e8, num2, "the normalization divides the gradient by ||z||",
          rtol=1e-5, atol=1e-6)


@fixed
def _large_batch(B, d, temperature, eps):
    """Two views of B points, a direction (v1, v2) that moves the views toward each other plus
    noise, and the plain formula's loss a step eps either way along it."""
    r = rng(13)
    z1 = r.normal(size=(B, d))
    z2 = z1 + r.normal(size=(B, d))
    v1, v2 = z2 - z1 + r.normal(size=(B, d)), z1 - z2 + r.normal(size=(B, d))
    plus = plain_info_nce(z1 + eps * v1, z2 + eps * v2, temperature)
    minus = plain_info_nce(z1 - eps * v1, z2 - eps * v2, temperature)
    return z1, z2, v1, v2, plus, minus


@pytest.mark.scale(0.6, "correct but too slow: vectorize (the logits are one matrix product, "
                   "the gradients two more; no Python loop over rows)")
def test_scale_info_nce_grad_is_vectorized(kata):
    """info_nce_grad handles B = 1024, d = 256 quickly"""
    B, d, temperature, eps = 1024, 256, 0.1, 1e-5
    z1, z2, v1, v2, plus, minus = _large_batch(B, d, temperature, eps)
    called = kata.info_nce_grad(z1, z2, temperature)
    loss, dz1, dz2 = grad_parts(called, B, d)
    # the derivative along (v1, v2), against central differences of the plain formula
    close(called.part(0, "loss"), loss, (plus + minus) / 2, "the loss is info_nce's", rtol=1e-6)
    slope = float(np.sum(dz1 * v1) + np.sum(dz2 * v2))
    close(called.part(1, "dz1, dz2"), slope, (plus - minus) / (2 * eps), "sum(dz1 * v1) + sum(dz2 * v2) must be "
          "the derivative of the loss along a direction (v1, v2)", rtol=1e-6)


@pytest.mark.side
def test_info_nce_grad_float64_results(kata):
    """info_nce_grad returns float64 gradients for float32 inputs"""
    z1, z2 = batch(14, 3, 2)
    called = kata.info_nce_grad(z1.astype(np.float32), z2.astype(np.float32), 0.5)
    for k, name in ((1, "dz1"), (2, "dz2")):
        part = called.part(k, name)
        dtype = np.asarray(part.value).dtype
        expect(dtype == np.float64, part, f"{name} of dtype {dtype}", "float64",
               "convert inputs with np.asarray(z, dtype=np.float64) before computing")


# ---------------------------------------------------------------- numerical_gradient

def test_numerical_gradient_values(kata):
    """numerical_gradient of sum(x**2) is 2x"""
    x = rng(15).normal(size=6)
    called = kata.numerical_gradient(Ref("sum_of_squares"), x)
    got = as_array(called, (6,))
    close(called, got, 2 * x, "entry k is (f(x + h e_k) - f(x - h e_k)) / 2h", rtol=1e-5, atol=1e-7)


def test_numerical_gradient_is_central(kata):
    """numerical_gradient uses central differences with the h it is given"""
    x = rng(16).normal(size=(2, 3))
    called = kata.numerical_gradient(Ref("weighted_cubic"), x, h=1e-3)
    got = as_array(called, (2, 3))
    expected = numerical_gradient(callables.weighted_cubic, x, h=1e-3)
    close(called, got, expected, "(f(x + h) - f(x - h)) / 2h with this h: forward differences "
          "(f(x + h) - f(x)) / h are off by O(h)", rtol=1e-7, atol=1e-9)


def test_numerical_gradient_2d(kata):
    """numerical_gradient works on a 2-D x and passes f arrays of x's shape"""
    x = rng(17).normal(size=(3, 4))
    called = kata.numerical_gradient(Ref("row_norms_sum"), x)
    got = as_array(called, (3, 4))
    close(called, got, unit(x), "the gradient of sum_i ||x_i|| is x_i / ||x_i||, in x's shape",
          rtol=1e-4, atol=1e-6)


def test_numerical_gradient_integer_x(kata):
    """numerical_gradient works at an x of integers"""
    x = np.array([1, -2, 3])
    called = kata.numerical_gradient(Ref("sum_of_squares"), x)
    got = as_array(called, (3,))
    close(called, got, [2.0, -4.0, 6.0], "work on a float64 copy: an integer array cannot hold x + h",
          rtol=1e-5, atol=1e-7)


@pytest.mark.validation
@pytest.mark.parametrize("case, why", [
    ("h zero", "h must be > 0: h = 0 divides 0 by 0"),
    ("h negative", "h must be > 0"),
    ("h nan", "h must be a finite number"),
    ("f not callable", "f must be a function of x"),
    ("f returns a vector", "f must return a single number: a vector-valued f has a Jacobian, not a gradient"),
])
def test_numerical_gradient_rejects_bad_input(kata, case, why):
    """numerical_gradient raises a ValueError for bad input"""
    x = np.array([1.0, -2.0, 0.5])
    args, kwargs = {
        "h zero": ((Ref("sum_of_squares"), x), {"h": 0.0}),
        "h negative": ((Ref("sum_of_squares"), x), {"h": -1e-6}),
        "h nan": ((Ref("sum_of_squares"), x), {"h": float("nan")}),
        "f not callable": ((3.0, x), {}),
        "f returns a vector": ((Ref("squares"), x), {}),
    }[case]
    with kata.raises(why):
        kata.numerical_gradient(*args, **kwargs)


@pytest.mark.side
def test_numerical_gradient_leaves_x_unchanged(kata):
    """numerical_gradient leaves x exactly as it was"""
    x = rng(18).normal(size=(3, 4)) * 10
    called = kata.numerical_gradient(Ref("weighted_cubic"), x, h=1e-4)
    unchanged(called)


# ---------------------------------------------------------------- alignment and uniformity

def test_alignment_matches_the_plain_formula(kata):
    """alignment is the mean squared distance of the normalized positive pairs"""
    z1, z2 = batch(19, 6, 3)
    called = kata.alignment(z1, z2)
    got = as_float(called)
    expected = np.mean([np.sum((a - b) ** 2) for a, b in zip(unit(z1), unit(z2))])
    close(called, got, expected, "normalize the rows, then mean over i of ||n1_i - n2_i||^2")


@pytest.mark.parametrize("alpha", [1, 3], ids=lambda a: f"alpha={a}")
def test_alignment_alpha(kata, alpha):
    """alignment raises the distances to the power alpha"""
    z1, z2 = batch(20, 5, 4)
    called = kata.alignment(z1, z2, alpha=alpha)
    got = as_float(called)
    expected = np.mean([np.linalg.norm(a - b) ** alpha for a, b in zip(unit(z1), unit(z2))])
    close(called, got, expected,
          f"mean of ||n1_i - n2_i|| ** alpha (the distance, not its square, to the power {alpha})")


def test_alignment_known_values(kata):
    """alignment of opposite pairs is 2**alpha"""
    z1 = rng(21).normal(size=(4, 3))
    called = kata.alignment(z1, -5.0 * z1, alpha=2)
    got = as_float(called)
    close(called, got, 4.0, "antipodal unit vectors are 2 apart, and 2^2 = 4")


def test_uniformity_matches_the_plain_formula(kata):
    """uniformity is the log mean Gaussian potential over pairs i < j"""
    z, _ = batch(22, 6, 3)
    n = unit(z)
    called = kata.uniformity(z, t=2)
    got = as_float(called)
    pairs = [np.exp(-2 * np.sum((n[i] - n[j]) ** 2)) for i in range(6) for j in range(i + 1, 6)]
    close(called, got, np.log(np.mean(pairs)), "log of the mean over the 15 pairs i < j of exp(-t ||n_i - n_j||^2): "
          "the pairs i == j do not count")


@pytest.mark.parametrize("t", [2, 0.5], ids=lambda t: f"t={t}")
def test_uniformity_antipodal_points(kata, t):
    """uniformity of two antipodal points is -4t"""
    called = kata.uniformity([[3.0, 0.0], [-0.5, 0.0]], t=t)
    got = as_float(called)
    close(called, got, -4.0 * t, "one pair at squared distance 4 gives log(exp(-4t)) = -4t; "
          "pairs i == j are not distinct")


def test_uniformity_equilateral_triangle(kata):
    """uniformity of three points 120 degrees apart is -3t"""
    angles = np.array([0.1, 0.1 + 2 * np.pi / 3, 0.1 + 4 * np.pi / 3])
    z = np.stack([np.cos(angles), np.sin(angles)], axis=1) * np.array([[1.0], [2.0], [0.5]])
    called = kata.uniformity(z, t=2)
    got = as_float(called)
    close(called, got, -6.0, "every pair is at squared distance 2 - 2 cos(120 deg) = 3")


def test_uniformity_large_t(kata):
    """uniformity is finite and right for a large t"""
    z, _ = batch(23, 5, 3)
    n = unit(z)
    sq = [np.sum((n[i] - n[j]) ** 2) for i in range(5) for j in range(i + 1, 5)]
    t = float(np.ceil(800 / min(sq)))  # every exp(-t d^2) underflows to 0 in float64
    called = kata.uniformity(z, t=t)
    got = as_float(called)
    e = np.array([-t * np.sum((n[i] - n[j]) ** 2) for i in range(5) for j in range(i + 1, 5)])
    expected = e.max() + np.log(np.mean(np.exp(e - e.max())))
    finite(called, got, "exp(-t d^2) underflows to 0 for large t: take a logsumexp of -t d^2, minus log(#pairs)")
    close(called, got, expected, "log-mean-exp = logsumexp - log(number of pairs)")


# ---------------------------------------------------------------- triplet_loss

def plain_triplet(a, p, n, margin):
    return np.mean([max(0.0, np.sum((x - y) ** 2) - np.sum((x - w) ** 2) + margin) for x, y, w in zip(a, p, n)])


def triplet_batch(seed):
    r = rng(seed)
    a, p, n = r.normal(size=(3, 6, 3))
    return a, p, n


@pytest.mark.parametrize("margin", [None, 1.5, 0.0], ids=["default margin", "margin=1.5", "margin=0"])
def test_triplet_loss_values(kata, margin):
    """triplet_loss is the mean hinge of squared distances"""
    a, p, n = triplet_batch(24)
    called = kata.triplet_loss(a, p, n) if margin is None else kata.triplet_loss(a, p, n, margin=margin)
    got = as_float(called.part(0, "loss"))
    expected = plain_triplet(a, p, n, 0.2 if margin is None else margin)
    close(called.part(0, "loss"), got, expected, "mean over rows of max(0, ||a-p||^2 - ||a-n||^2 + margin), "
          "on the raw vectors (squared distances, default margin 0.2)")


def test_triplet_loss_gradients(kata):
    """triplet_loss gradients match finite differences"""
    a, p, n = triplet_batch(25)
    margin = 1.5
    called = kata.triplet_loss(a, p, n, margin=margin)
    for k, name in ((1, "d_anchor"), (2, "d_positive"), (3, "d_negative")):
        got = as_array(called.part(k, name), (6, 3))
        args = [a, p, n]

        def f(x, k=k):
            args_k = list(args)
            args_k[k - 1] = x
            return plain_triplet(*args_k, margin)

        close(called.part(k, name), got, numerical_gradient(f, args[k - 1]),
              "active rows: d_a = 2(n - p) / B, d_p = 2(p - a) / B, d_n = 2(a - n) / B; inactive rows 0",
              rtol=1e-5, atol=1e-7)


def test_triplet_loss_exactly_at_the_hinge(kata):
    """triplet_loss gives zero gradient to rows exactly at the hinge"""
    a = np.array([[1.0, 2.0], [-3.0, 0.5], [0.0, 0.0]])
    p = a + np.array([[0.5, 0.0], [0.0, -0.5], [1.0, 0.0]])  # squared distances 0.25, 0.25, 1
    n = a + np.array([[0.0, -1.0], [1.0, 0.0], [0.5, 0.0]])  # squared distances 1, 1, 0.25
    called = kata.triplet_loss(a, p, n, margin=0.75)
    got = as_float(called.part(0, "loss"))
    close(called.part(0, "loss"), got, 1.5 / 3, "rows 0 and 1 are exactly at the hinge (0.25 - 1 + 0.75 = 0)")
    for k, name, active in ((1, "d_anchor", -1.0 / 3), (2, "d_positive", 2.0 / 3), (3, "d_negative", -1.0 / 3)):
        got = as_array(called.part(k, name), (3, 2))
        expected = np.array([[0.0, 0.0], [0.0, 0.0], [active, 0.0]])
        close(called.part(k, name), got, expected, "only row 2 is active: a row exactly at the hinge "
              "gets zero gradient (test hinge > 0, not >= 0)", atol=1e-12)


BAD_MARGINS = {
    "negative": (-0.2, "margin must be >= 0: a negative one lets wrong triplets off"),
    "nan": (float("nan"), "margin must be a finite number"),
    "inf": (float("inf"), "margin must be a finite number"),
    "a string": ("0.2", "margin must be a number, not a string"),
}


@pytest.mark.validation
@pytest.mark.parametrize("case", list(BAD_MARGINS))
def test_triplet_loss_rejects_a_bad_margin(kata, case):
    """triplet_loss raises a ValueError for a margin that is not a finite number >= 0"""
    margin, why = BAD_MARGINS[case]
    a, p, n = np.array([[0.0, 0.0]]), np.array([[1.0, 0.0]]), np.array([[0.0, 2.0]])
    with kata.raises(why):
        kata.triplet_loss(a, p, n, margin=margin)


# ---------------------------------------------------------------- bad input, inputs, dtypes

@pytest.mark.validation
@pytest.mark.parametrize("case", ["alignment shapes", "alignment alpha 0", "uniformity one row",
                                  "uniformity 1-D", "uniformity t 0", "triplet shapes", "triplet empty",
                                  "triplet 1-D"])
def test_other_functions_reject_bad_input(kata, case):
    """alignment, uniformity and triplet_loss raise a ValueError for bad input"""
    call, why = {
        "alignment shapes": (lambda: kata.alignment(np.ones((3, 2)), np.ones((3, 3))),
                             "z1 and z2 must have the same shape"),
        "alignment alpha 0": (lambda: kata.alignment(np.eye(2), np.eye(2), alpha=0), "alpha must be > 0"),
        "uniformity t 0": (lambda: kata.uniformity(np.eye(2), t=0), "t must be > 0"),
        "uniformity one row": (lambda: kata.uniformity(np.ones((1, 3))),
                               "with one row there is no pair i < j to average over"),
        "uniformity 1-D": (lambda: kata.uniformity(np.ones(3)), "z must be 2-D (B, d)"),
        "triplet shapes": (lambda: kata.triplet_loss(np.ones((3, 2)), np.ones((3, 2)), np.ones((2, 2))),
                           "anchor, positive and negative must have the same shape"),
        "triplet empty": (lambda: kata.triplet_loss(np.ones((0, 2)), np.ones((0, 2)), np.ones((0, 2))),
                          "an empty batch has no mean"),
        "triplet 1-D": (lambda: kata.triplet_loss(np.ones(2), np.ones(2), np.ones(2)),
                        "anchor, positive and negative must be 2-D (B, d)"),
    }[case]
    with kata.raises(why):
        call()


@pytest.mark.side
def test_inputs_are_left_unchanged(kata):
    """no function changes its inputs in place"""
    z1, z2 = batch(26, 5, 3)
    X = rng(27).normal(size=(4, 3))
    a, p, n = triplet_batch(28)
    for called in (kata.logsumexp(X, axis=0), kata.info_nce(z1, z2, 0.1, True),
                   kata.info_nce_grad(z1, z2, 0.1), kata.info_nce_grad(z1, z2, 0.1, True),
                   kata.alignment(z1, z2), kata.uniformity(z1), kata.triplet_loss(a, p, n)):
        unchanged(called)
