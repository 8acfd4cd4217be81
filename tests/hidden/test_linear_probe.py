"""Hidden suite of kata 8, linear_probe.

Expected values come from plain formulas written here (the softmax cross-entropy, one
gradient-descent step of softmax regression, argmax predictions), from finite differences
of the loss, from invariances (adding a constant to a row of logits) and from small
hand-derived cases; never from solutions/. The training checks relate the models that
train_probe returns after e and e + 1 epochs, so they hold for any starting point.
"""

import numpy as np
import pytest

from grading import show
from grading.checks import as_array, as_float, close, equal, expect, finite, numerical_gradient, unchanged

KATA = "linear_probe"


def rng(seed):
    return np.random.default_rng(seed)


# ---------------------------------------------------------------- plain formulas

def onehot(y, C):
    return (np.asarray(y)[:, None] == np.arange(C)).astype(float)


def plain_loss(Z, y):
    """mean_i logsumexp(Z[i]) - Z[i, y[i]], with the row max taken out of the exponent."""
    Z = np.asarray(Z, dtype=float)
    m = Z.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(Z - m).sum(axis=1))
    return float(np.mean(lse - Z[np.arange(len(Z)), y]))


def plain_softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def plain_dlogits(Z, y):
    return (plain_softmax(Z) - onehot(y, Z.shape[1])) / len(Z)


def objective(X, y, W, b, wd):
    """Cross-entropy of the probe plus (wd / 2) ||W||^2; b is not decayed."""
    return plain_loss(X @ W + b, y) + 0.5 * wd * np.sum(W * W)


def gd_step(X, y, W, b, lr, wd):
    """One full-batch gradient-descent step of the objective above."""
    G = plain_dlogits(X @ W + b, y)
    return W - lr * (X.T @ G + wd * W), b - lr * G.sum(axis=0)


def separable(seed, n=120, d=8, C=4, noise=0.15):
    """C tight clusters around orthonormal directions: linearly separable, rows of norm about 1."""
    r = rng(seed)
    centers = np.linalg.qr(r.normal(size=(d, C)))[0].T
    y = np.arange(n) % C
    return centers[y] + noise * r.normal(size=(n, d)), y


def imbalanced(seed, n=40, d=5, C=3):
    """Shifted, scaled features and unequal class sizes, so that every term of a step matters."""
    r = rng(seed)
    X = 0.6 * r.normal(size=(n, d)) + np.array([0.5, -0.3, 0.2, 0.0, 0.4])[:d]
    y = r.choice(C, size=n, p=[0.5, 0.3, 0.2])
    return X, y


def trained(called, d, C, epochs):
    W = as_array(called.part(0, "W"), (d, C))
    b = as_array(called.part(1, "b"), (C,))
    losses = as_array(called.part(2, "losses"), (epochs,))
    return W, b, losses


# ---------------------------------------------------------------- softmax_cross_entropy

def test_loss_is_the_mean_cross_entropy(kata):
    """softmax_cross_entropy returns the mean over rows of logsumexp(z) - z[label]"""
    r = rng(1)
    Z, y = 3.0 * r.normal(size=(6, 4)), np.array([0, 3, 1, 1, 2, 3])
    called = kata.softmax_cross_entropy(Z, y)
    loss = as_float(called.part(0, "loss"))
    close(called.part(0, "loss"), loss, plain_loss(Z, y),
          "row i costs log(sum_j exp(z_ij)) - z_i[labels[i]] (softmax over each row, the label's column), "
          "averaged over the rows", rtol=1e-10)


def test_dlogits_is_softmax_minus_onehot_over_n(kata):
    """softmax_cross_entropy's dlogits is (softmax - onehot(labels)) / n"""
    r = rng(2)
    Z, y = 2.0 * r.normal(size=(5, 3)), np.array([2, 0, 1, 2, 2])
    part = kata.softmax_cross_entropy(Z, y).part(1, "dlogits")
    close(part, as_array(part, (5, 3)), plain_dlogits(Z, y),
          "softmax of each row (along axis 1), minus 1 in the label's column, divided by n", rtol=1e-9, atol=1e-12)


def test_dlogits_matches_finite_differences(kata):
    """softmax_cross_entropy's dlogits is the gradient of its loss, as finite differences measure it"""
    r = rng(3)
    Z, y = 1.5 * r.normal(size=(7, 5)), r.integers(0, 5, size=7)
    numeric = numerical_gradient(lambda z: plain_loss(z, y), Z)
    part = kata.softmax_cross_entropy(Z, y).part(1, "dlogits")
    close(part, as_array(part, (7, 5)), numeric,
          "d loss / d logits of the mean cross-entropy (1/n from the mean, softmax minus onehot)",
          rtol=1e-5, atol=1e-8)


def test_loss_is_a_mean_not_a_sum(kata):
    """softmax_cross_entropy of a batch repeated twice has the same loss and half the gradient"""
    r = rng(4)
    Z, y = r.normal(size=(3, 4)), np.array([1, 0, 3])
    called = kata.softmax_cross_entropy(np.vstack([Z, Z]), np.concatenate([y, y]))
    part = called.part(0, "loss")
    close(part, as_float(part), plain_loss(Z, y), "the loss is the mean over rows, not the sum", rtol=1e-10)
    part = called.part(1, "dlogits")
    half = np.vstack([plain_dlogits(Z, y), plain_dlogits(Z, y)]) / 2
    close(part, as_array(part, (6, 4)), half, "the gradient of a mean over 2n rows divides by 2n",
          rtol=1e-9, atol=1e-12)


def test_gradient_rows_sum_to_zero(kata):
    """each row of dlogits sums to zero, the label's entry being (softmax - 1) / n"""
    r = rng(5)
    Z = 10.0 * r.normal(size=(8, 6))
    y = np.argmin(Z, axis=1)  # the label is each row's smallest logit: its softmax is far below 1
    called = kata.softmax_cross_entropy(Z, y)
    part = called.part(1, "dlogits")
    grad = as_array(part, (8, 6))
    close(called.part(1, "dlogits.sum(axis=1)"), grad.sum(axis=1), np.zeros(8), "softmax sums to 1 and the "
          "onehot to 1, so each row of (softmax - onehot) / n sums to 0", atol=1e-12)
    label = grad[np.arange(8), y]
    expect(np.all((label < -0.9 / 8) & (label >= -1.0 / 8 - 1e-12)), part,
           f"dlogits[i, labels[i]] = {show.array(label)}", "between -1/n and -0.9/n (n = 8)",
           "the label's softmax is tiny here: softmax - 1 is close to -1, divided by n")


def test_huge_logits_stay_finite(kata):
    """softmax_cross_entropy is exact for logits of +-1e4"""
    Z = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4], [1e4, 1e4, -1e4]])
    y = np.array([1, 2, 0])
    called = kata.softmax_cross_entropy(Z, y)
    loss_part, grad_part = called.part(0, "loss"), called.part(1, "dlogits")
    loss, grad = as_float(loss_part), as_array(grad_part, (3, 3))
    why = "exp(1e4) overflows: subtract each row's max before exp (the softmax does not change)"
    finite(loss_part, loss, why)
    finite(grad_part, grad, why)
    close(loss_part, loss, (2e4 + np.log(3) + np.log(2)) / 3,
          "row losses 2e4 (1e4 - (-1e4)), log 3 (three equal logits) and log 2 (two tied maxima)", rtol=1e-12)
    expected = np.array([[1, -1, 0], [1 / 3, 1 / 3, -2 / 3], [-1 / 2, 1 / 2, 0]]) / 3
    close(grad_part, grad, expected, "softmaxes [1, 0, 0], [1/3, 1/3, 1/3], [1/2, 1/2, 0], minus the onehot, "
          "divided by n = 3", rtol=1e-9, atol=1e-12)


def test_adding_a_constant_to_a_row_changes_nothing(kata):
    """softmax_cross_entropy is unchanged when rows are shifted by +-1e4 or +-800"""
    r = rng(6)
    Z, y = r.normal(size=(5, 4)), np.array([0, 1, 2, 3, 1])
    shift = np.array([1e4, -1e4, 800.0, -800.0, 0.0])[:, None]
    called = kata.softmax_cross_entropy(Z + shift, y)
    loss_part, grad_part = called.part(0, "loss"), called.part(1, "dlogits")
    loss, grad = as_float(loss_part), as_array(grad_part, (5, 4))
    why = ("exp(800) overflows and exp(-800) underflows to 0: subtract each row's max, the softmax "
           "and the loss do not change")
    finite(loss_part, loss, why)
    finite(grad_part, grad, why)
    close(loss_part, loss, plain_loss(Z, y), why, rtol=1e-9, atol=1e-9)
    close(grad_part, grad, plain_dlogits(Z, y), why, rtol=1e-6, atol=1e-9)


def test_equal_logits_give_log_C(kata):
    """softmax_cross_entropy of equal logits is log C, whatever their size"""
    Z = np.repeat(np.array([[7.0], [-3e3], [3e3], [0.0]]), 5, axis=1)
    y = np.array([0, 4, 2, 2])
    called = kata.softmax_cross_entropy(Z, y)
    part = called.part(0, "loss")
    close(part, as_float(part), np.log(5), "equal logits give the uniform softmax 1/C: loss log C = log 5",
          rtol=1e-12)
    part = called.part(1, "dlogits")
    close(part, as_array(part, (4, 5)), (0.2 - onehot(y, 5)) / 4, "(1/C - onehot) / n with C = 5, n = 4",
          rtol=1e-9, atol=1e-12)


@pytest.mark.validation
@pytest.mark.parametrize("case, why", [
    ("label_too_large", "a label equal to C is out of range"),
    ("label_negative", "a negative label is out of range, not numpy's wrap-around"),
    ("float_labels", "labels must be integers (class indices), not floats"),
    ("bool_labels", "bools are not class indices"),
    ("length_mismatch", "labels must have one entry per row of logits"),
    ("logits_1d", "logits must be 2-D (n, C)"),
    ("empty", "an empty batch has no mean"),
    ("nan", "logits must be finite: no NaN"),
])
def test_softmax_cross_entropy_rejects_bad_input(kata, case, why):
    """softmax_cross_entropy raises a ValueError for bad input"""
    Z = np.zeros((3, 4))
    args = {
        "label_too_large": (Z, np.array([0, 4, 1])),
        "label_negative": (Z, np.array([0, -1, 1])),
        "float_labels": (Z, np.array([0.0, 1.0, 2.0])),
        "bool_labels": (Z, np.array([True, False, True])),
        "length_mismatch": (Z, np.array([0, 1])),
        "logits_1d": (np.zeros(4), np.array([1])),
        "empty": (np.zeros((0, 4)), np.zeros(0, dtype=int)),
        "nan": (np.array([[0.0, np.nan], [1.0, 2.0]]), np.array([0, 1])),
    }[case]
    with kata.raises(why):
        kata.softmax_cross_entropy(*args)


# ---------------------------------------------------------------- train_probe

@pytest.mark.side
def test_train_probe_shapes(kata):
    """train_probe returns W of shape (d, C), b of shape (C,) and one loss per epoch"""
    X, y = imbalanced(7, n=30, d=5, C=3)
    called = kata.train_probe(X, y, 3, epochs=7)
    trained(called, 5, 3, 7)


def test_train_probe_takes_gradient_descent_steps(kata):
    """one more epoch of train_probe is one gradient-descent step"""
    X, y = imbalanced(8)
    W1, b1, _ = trained(kata.train_probe(X, y, 3, epochs=1, lr=0.3), 5, 3, 1)
    called = kata.train_probe(X, y, 3, epochs=2, lr=0.3)
    W2, b2, _ = trained(called, 5, 3, 2)
    W_expected, b_expected = gd_step(X, y, W1, b1, 0.3, 0.0)
    why = ("W_2 = W_1 - lr * X.T @ dlogits and b_2 = b_1 - lr * dlogits.sum(0), with W_1, b_1 what epochs=1 "
           "returned and dlogits = (softmax(X @ W_1 + b_1) - onehot) / n; X used as given")
    close(called.part(0, "W"), W2, W_expected, why, rtol=1e-8, atol=1e-12)
    close(called.part(1, "b"), b2, b_expected, why, rtol=1e-8, atol=1e-12)


def test_weight_decay_is_in_the_gradient_of_W_only(kata):
    """with weight decay, a step of train_probe adds weight_decay * W to the gradient of W, not of b"""
    X, y = imbalanced(9)
    W1, b1, _ = trained(kata.train_probe(X, y, 3, epochs=1, lr=0.4, weight_decay=0.3), 5, 3, 1)
    called = kata.train_probe(X, y, 3, epochs=2, lr=0.4, weight_decay=0.3)
    W2, b2, _ = trained(called, 5, 3, 2)
    W_expected, b_expected = gd_step(X, y, W1, b1, 0.4, 0.3)
    close(called.part(0, "W"), W2, W_expected,
          "W_2 = W_1 - lr * (X.T @ dlogits + weight_decay * W_1): the penalty (wd / 2) ||W||^2 pulls W "
          "toward 0", rtol=1e-8, atol=1e-12)
    close(called.part(1, "b"), b2, b_expected,
          "b_2 = b_1 - lr * dlogits.sum(0): the bias is not decayed", rtol=1e-8, atol=1e-12)


def test_losses_are_recorded_before_each_update(kata):
    """losses[e] is the loss of the model after e updates, what train_probe(epochs=e) returns"""
    X, y = imbalanced(10)
    models = [trained(kata.train_probe(X, y, 3, epochs=e, lr=0.5), 5, 3, e) for e in (1, 2)]
    called = kata.train_probe(X, y, 3, epochs=3, lr=0.5)
    _, _, losses = trained(called, 5, 3, 3)
    expected = np.array([models[0][2][0]] + [objective(X, y, W, b, 0.0) for W, b, _ in models])
    close(called.part(2, "losses"), losses, expected,
          "losses[e] comes from the forward pass of epoch e, before its update: losses[0] is the loss of the "
          "starting point, losses[e] the loss of the model epochs=e returns", rtol=1e-9, atol=1e-12)


def test_losses_include_the_weight_decay_term(kata):
    """with weight decay, losses include (weight_decay / 2) * ||W||^2"""
    X, y = imbalanced(11)
    W1, b1, _ = trained(kata.train_probe(X, y, 3, epochs=1, weight_decay=0.5), 5, 3, 1)
    called = kata.train_probe(X, y, 3, epochs=2, weight_decay=0.5)
    _, _, losses = trained(called, 5, 3, 2)
    part = called.part(2, "losses")
    expect(abs(losses[1] - objective(X, y, W1, b1, 0.5)) <= 1e-9 * abs(losses[1]) + 1e-12, part,
           f"losses[1] = {show.number(losses[1])}",
           f"{show.number(objective(X, y, W1, b1, 0.5))} = cross-entropy "
           f"{show.number(plain_loss(X @ W1 + b1, y))} + 0.25 * ||W_1||^2",
           "the loss gradient descent minimizes includes the penalty (weight_decay / 2) * sum(W ** 2), "
           "not on b")


def test_losses_never_increase_on_separable_data(kata):
    """train_probe's losses never increase on separable data with the default lr"""
    X, y = separable(12)
    called = kata.train_probe(X, y, 4, epochs=100)
    _, _, losses = trained(called, 8, 4, 100)
    part = called.part(2, "losses")
    finite(part, losses, "gradient descent with a stable step stays finite")
    rises = np.flatnonzero(np.diff(losses) > 1e-12)
    expect(rises.size == 0, part,
           f"losses rising from epoch {rises[0] if rises.size else 0} "
           f"({show.number(losses[rises[0]] if rises.size else 0)} -> "
           f"{show.number(losses[rises[0] + 1] if rises.size else 0)})",
           "losses that never increase",
           "a full-batch step of lr = 0.5 on features of norm about 1 always lowers the loss: check the sign "
           "and the 1/n of the gradient")
    expect(losses[-1] < 0.5 * losses[0], part,
           f"losses from {show.number(losses[0])} to {show.number(losses[-1])}", "a last loss below half the first",
           "100 steps on four separated clusters fit them: the loss must fall")


def test_final_loss_is_well_below_log_C(kata):
    """train_probe drives the loss on separable data far below log C"""
    X, y = separable(13)
    called = kata.train_probe(X, y, 4)
    W, b, losses = trained(called, 8, 4, 200)
    part = called.part(2, "losses")
    expect(losses[-1] < 0.15 * np.log(4), part, f"final loss {show.number(losses[-1])}",
           f"below {show.number(0.15 * np.log(4))} (0.15 log C)",
           "200 epochs on four well-separated clusters fit them almost perfectly; log C = 1.386 is chance")
    fitted = plain_loss(X @ W + b, y)
    expect(fitted < 0.15 * np.log(4), called, f"W, b whose cross-entropy on X is {show.number(fitted)}",
           f"below {show.number(0.15 * np.log(4))} (0.15 log C)",
           "the W and b returned are the trained model: their loss on the training data is low too")


def test_train_probe_fits_separable_data(kata):
    """train_probe's W and b classify separable training data correctly"""
    X, y = separable(14, n=200, d=10, C=5)
    called = kata.train_probe(X, y, 5)
    W, b, _ = trained(called, 10, 5, 200)
    accuracy = float(np.mean(np.argmax(X @ W + b, axis=1) == y))
    expect(accuracy >= 0.98, called, f"a probe with accuracy {accuracy:.3f} (argmax of X @ W + b)",
           "accuracy >= 0.98", "column c of W and entry c of b score class c; five clean clusters "
           "are linearly separable")


@pytest.mark.side
def test_train_probe_is_deterministic(kata):
    """train_probe gives identical W, b and losses for the same call twice"""
    X, y = imbalanced(15)
    first = trained(kata.train_probe(X, y, 3, epochs=20, seed=3), 5, 3, 20)
    called = kata.train_probe(X, y, 3, epochs=20, seed=3)
    second = trained(called, 5, 3, 20)
    for index, name in enumerate(("W", "b", "losses")):
        equal(called.part(index, name), second[index], first[index],
              "same inputs and seed, same result: randomness only through the seed")


def test_weight_decay_shrinks_the_weights(kata):
    """train_probe with weight decay gives a smaller W than without"""
    X, y = separable(16)
    plain = kata.train_probe(X, y, 4, epochs=150)
    W_free, b_free, _ = trained(plain, 8, 4, 150)
    fitted = plain_loss(X @ W_free + b_free, y)
    expect(fitted < 0.3, plain, f"W, b whose cross-entropy on X is {show.number(fitted)}", "below 0.3",
           "150 epochs without weight decay fit four separated clusters")
    called = kata.train_probe(X, y, 4, epochs=150, weight_decay=0.05)
    W_decayed, _, _ = trained(called, 8, 4, 150)
    free, decayed = np.linalg.norm(W_free), np.linalg.norm(W_decayed)
    expect(decayed < 0.8 * free, called.part(0, "W"), f"||W|| = {decayed:.4g}",
           f"well below {free:.4g}, the ||W|| without weight decay",
           "weight decay subtracts lr * weight_decay * W at every step, pulling W toward 0")


@pytest.mark.validation
@pytest.mark.parametrize("case, why", [
    ("label_too_large", "a label >= num_classes is out of range"),
    ("label_negative", "a negative label is out of range"),
    ("float_labels", "y must be integers (class indices), not floats"),
    ("length_mismatch", "y must have one label per row of X"),
    ("one_class", "num_classes must be at least 2"),
    ("no_epochs", "epochs must be at least 1"),
    ("zero_lr", "lr must be > 0"),
    ("negative_lr", "lr must be > 0"),
    ("negative_decay", "weight_decay must be >= 0"),
    ("empty", "X is empty: there is nothing to train on"),
    ("x_1d", "X must be 2-D (n, d)"),
    ("float_seed", "seed must be an int, even where nothing is random: 0.5 is no seed"),
    ("none_seed", "seed must be an int: None would mean fresh randomness elsewhere in the katas"),
    ("bool_seed", "seed must be an int, and bools are not integers here"),
])
def test_train_probe_rejects_bad_input(kata, case, why):
    """train_probe raises a ValueError for bad input"""
    X, y = np.ones((4, 2)), np.array([0, 1, 2, 1])
    args, kwargs = {
        "label_too_large": ((X, np.array([0, 1, 3, 1]), 3), {}),
        "label_negative": ((X, np.array([0, -1, 2, 1]), 3), {}),
        "float_labels": ((X, y.astype(float), 3), {}),
        "length_mismatch": ((X, y[:3], 3), {}),
        "one_class": ((X, np.zeros(4, dtype=int), 1), {}),
        "no_epochs": ((X, y, 3), {"epochs": 0}),
        "zero_lr": ((X, y, 3), {"lr": 0.0}),
        "negative_lr": ((X, y, 3), {"lr": -0.1}),
        "negative_decay": ((X, y, 3), {"weight_decay": -0.01}),
        "empty": ((np.zeros((0, 2)), np.zeros(0, dtype=int), 3), {}),
        "x_1d": ((np.ones(4), y, 3), {}),
        "float_seed": ((X, y, 3), {"seed": 0.5}),
        "none_seed": ((X, y, 3), {"seed": None}),
        "bool_seed": ((X, y, 3), {"seed": True}),
    }[case]
    with kata.raises(why):
        kata.train_probe(*args, **kwargs)


@pytest.mark.scale(0.45, "correct but too slow: vectorize (one X @ W, one softmax and one X.T @ dlogits "
                   "per epoch, no Python loop over samples)")
def test_scale_train_probe_is_vectorized(kata):
    """train_probe runs its 200 default epochs on 2,000 embeddings quickly"""
    r = rng(17)
    n, d, C = 2000, 32, 4
    centers = r.normal(size=(C, d)) / np.sqrt(d)
    y = r.integers(0, C, size=n)
    X = centers[y] + 0.5 * r.normal(size=(n, d)) / np.sqrt(d)
    called = kata.train_probe(X, y, C)
    W, b, losses = trained(called, d, C, 200)
    part = called.part(2, "losses")
    finite(part, losses, "gradient descent with a stable step stays finite")
    expect(losses[-1] < 0.25 * losses[0], part,
           f"losses from {show.number(losses[0])} to {show.number(losses[-1])}",
           "a final loss below a quarter of the first", "200 full-batch steps on four separated clusters")
    accuracy = float(np.mean(np.argmax(X @ W + b, axis=1) == y))
    expect(accuracy > 0.95, called, f"a probe with accuracy {accuracy:.3f} (argmax of X @ W + b)",
           "accuracy > 0.95", "four separated clusters are linearly separable")


# ---------------------------------------------------------------- probe_accuracy

def test_probe_accuracy_hand_case(kata):
    """probe_accuracy is the fraction of rows where argmax(X @ W + b) equals the label"""
    X = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 1.0], [-1.0, 0.0], [0.0, -2.0]])
    W = np.array([[2.0, 0.0, -1.0], [0.0, 1.0, 0.0]])
    b = np.array([0.0, 1.5, 0.0])
    # logits: [2, 1.5, -1], [0, 2.5, 0], [4, 1.5, -2], [-2, 1.5, 1], [0, -0.5, 0] -> predictions 0, 1, 0, 1, 0
    y = np.array([0, 2, 0, 1, 1])
    called = kata.probe_accuracy(X, y, W, b)
    close(called, as_float(called), 0.6, "predictions argmax(X @ W + b, axis=1) = [0, 1, 0, 1, 0] "
          "against labels [0, 2, 0, 1, 1]: 3 of 5 right (without b, row 3 would predict 2)", rtol=1e-12)


def test_probe_accuracy_breaks_ties_toward_the_lower_class(kata):
    """probe_accuracy predicts the lower class index when logits tie"""
    X = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 5.0]])
    W = np.array([[0.0, 1.0, 1.0], [0.0, 0.0, 0.0]])
    # logits: [0, 1, 1] (tie 1-2), [0, -1, -1], [0, 0, 0] (three-way tie)
    called = kata.probe_accuracy(X, np.array([1, 0, 0]), W, np.zeros(3))
    close(called, as_float(called), 1.0, "logits [0, 1, 1] predict 1 and [0, 0, 0] predict 0: a tie goes "
          "to the lower class index (np.argmax's first maximum)", rtol=1e-12)


def test_probe_accuracy_is_a_float_in_0_1(kata):
    """probe_accuracy returns a Python float: 1.0 when every row is right, 0.0 when none is"""
    r = rng(18)
    X = r.normal(size=(12, 4))
    W = r.normal(size=(4, 3))
    b = r.normal(size=3)
    predictions = np.argmax(X @ W + b, axis=1)
    for y, expected in ((predictions, 1.0), ((predictions + 1) % 3, 0.0)):
        called = kata.probe_accuracy(X, y, W, b)
        expect(isinstance(called.value, float), called, f"returned {show.value(called.value)}",
               "a Python float", "the accuracy is a fraction of rows: float(np.mean(predictions == y))")
        close(called, as_float(called), expected, "the fraction of the rows whose prediction equals the label",
              atol=0)


@pytest.mark.validation
@pytest.mark.parametrize("case, why", [
    ("w_rows", "W must have d rows, one per column of X"),
    ("b_shape", "b must have one entry per column of W"),
    ("length_mismatch", "y must have one label per row of X"),
    ("label_too_large", "a label >= C can never be predicted: out of range"),
    ("float_labels", "y must be integers (class indices)"),
])
def test_probe_accuracy_rejects_bad_input(kata, case, why):
    """probe_accuracy raises a ValueError for bad input"""
    X, y, W, b = np.ones((3, 2)), np.array([0, 1, 2]), np.ones((2, 3)), np.zeros(3)
    args = {
        "w_rows": (X, y, np.ones((3, 3)), b),
        "b_shape": (X, y, W, np.zeros(2)),
        "length_mismatch": (X, y[:2], W, b),
        "label_too_large": (X, np.array([0, 1, 3]), W, b),
        "float_labels": (X, y.astype(float), W, b),
    }[case]
    with kata.raises(why):
        kata.probe_accuracy(*args)


# ---------------------------------------------------------------- contract-wide

@pytest.mark.side
def test_inputs_are_left_unchanged(kata):
    """no function changes its inputs in place"""
    r = rng(19)
    Z, y = 5.0 * r.normal(size=(6, 3)), np.array([0, 1, 2, 2, 1, 0])
    X = r.normal(size=(6, 4))
    W, b = r.normal(size=(4, 3)), r.normal(size=3)
    for called in (kata.softmax_cross_entropy(Z, y), kata.train_probe(X, y, 3, epochs=5, weight_decay=0.1),
                   kata.probe_accuracy(X, y, W, b)):
        unchanged(called)


@pytest.mark.side
def test_results_are_float64(kata):
    """array results are float64, also for float32 input"""
    r = rng(20)
    X32, y = r.normal(size=(6, 3)).astype(np.float32), np.array([0, 1, 1, 0, 1, 0])
    called = kata.softmax_cross_entropy(X32, y)
    parts = [called.part(1, "dlogits")]
    called = kata.train_probe(X32, y, 2, epochs=3)
    parts += [called.part(0, "W"), called.part(1, "b"), called.part(2, "losses")]
    for part in parts:
        dtype = np.asarray(part.value).dtype
        expect(dtype == np.float64, part, f"{part.label} of dtype {dtype}", "float64",
               "the contract's arrays are float64: convert inputs with np.asarray(..., dtype=float)")
