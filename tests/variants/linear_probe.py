"""Variants of kata 8 that the hidden suite must judge right: WRONG, SLOW and CORRECT.

Each is appended to solutions/linear_probe.py, so its definitions replace the reference's. What
each group holds and must do is written once, in tests/self/conftest.py (load_variants).
"""

WRONG = {
    "softmax_without_max_shift": (
        "exp(logits) without subtracting the row max: exp(1e4) overflows to inf, inf / inf is NaN",
        """
def _cross_entropy(Z, labels):
    n = Z.shape[0]
    rows = np.arange(n)
    with np.errstate(all="ignore"):
        E = np.exp(Z)
        sums = E.sum(axis=1, keepdims=True)
        loss = float(np.mean(np.log(sums[:, 0]) - Z[rows, labels]))
        dZ = E / sums
    dZ[rows, labels] -= 1.0
    return loss, dZ / n
""",
        ("test_huge_logits_stay_finite", "test_adding_a_constant_to_a_row_changes_nothing")),
    "gradient_not_divided_by_n": (
        "the loss is a mean but dlogits is softmax - onehot, the gradient of the sum",
        """
_reference_cross_entropy = _cross_entropy


def _cross_entropy(Z, labels):
    loss, dZ = _reference_cross_entropy(Z, labels)
    return loss, dZ * Z.shape[0]
""",
        ("test_dlogits_is_softmax_minus_onehot_over_n", "test_loss_is_a_mean_not_a_sum")),
    "loss_summed_over_rows": (
        "the loss is the sum over rows, while dlogits is the gradient of the mean",
        """
_reference_cross_entropy = _cross_entropy


def _cross_entropy(Z, labels):
    loss, dZ = _reference_cross_entropy(Z, labels)
    return loss * Z.shape[0], dZ
""",
        ("test_loss_is_the_mean_cross_entropy", "test_loss_is_a_mean_not_a_sum")),
    "softmax_over_the_batch_axis": (
        "softmax normalized along axis 0 (over the samples) instead of along each row",
        """
def _cross_entropy(Z, labels):
    n = Z.shape[0]
    rows = np.arange(n)
    shifted = Z - Z.max(axis=0, keepdims=True)
    E = np.exp(shifted)
    sums = E.sum(axis=0, keepdims=True)
    P = E / sums
    loss = float(np.mean(-np.log(P[rows, labels])))
    dZ = P.copy()
    dZ[rows, labels] -= 1.0
    return loss, dZ / n
""",
        ("test_dlogits_is_softmax_minus_onehot_over_n", "test_gradient_rows_sum_to_zero")),
    "onehot_off_by_one": (
        "labels treated as 1-based: the one-hot puts the 1 in column label - 1 (wrapping to the last)",
        """
_reference_cross_entropy = _cross_entropy


def _cross_entropy(Z, labels):
    return _reference_cross_entropy(Z, (labels - 1) % Z.shape[1])
""",
        ("test_loss_is_the_mean_cross_entropy", "test_dlogits_is_softmax_minus_onehot_over_n")),
    "weight_decay_on_bias": (
        "weight decay applied to b as well as W",
        """
def train_probe(X, y, num_classes, epochs=200, lr=0.5, weight_decay=0.0, seed=0):
    X = _matrix(X, "X", "(n, d)")
    num_classes = _integer(num_classes, "num_classes", 2)
    y = _labels(y, X.shape[0], num_classes, "y")
    epochs = _integer(epochs, "epochs", 1)
    lr = _real(lr, "lr", positive=True)
    weight_decay = _real(weight_decay, "weight_decay", positive=False)
    W, b = np.zeros((X.shape[1], num_classes)), np.zeros(num_classes)
    losses = np.empty(epochs)
    for epoch in range(epochs):
        loss, dZ = _cross_entropy(X @ W + b, y)
        losses[epoch] = loss + 0.5 * weight_decay * (np.sum(W * W) + np.sum(b * b))
        W = W - lr * (X.T @ dZ + weight_decay * W)
        b = b - lr * (dZ.sum(axis=0) + weight_decay * b)
    return W, b, losses
""",
        ("test_weight_decay_is_in_the_gradient_of_W_only",)),
    "weight_decay_wrong_sign": (
        "the weight-decay term enters the gradient with a minus sign, pushing W away from 0",
        """
def train_probe(X, y, num_classes, epochs=200, lr=0.5, weight_decay=0.0, seed=0):
    X = _matrix(X, "X", "(n, d)")
    num_classes = _integer(num_classes, "num_classes", 2)
    y = _labels(y, X.shape[0], num_classes, "y")
    epochs = _integer(epochs, "epochs", 1)
    lr = _real(lr, "lr", positive=True)
    weight_decay = _real(weight_decay, "weight_decay", positive=False)
    W, b = np.zeros((X.shape[1], num_classes)), np.zeros(num_classes)
    losses = np.empty(epochs)
    for epoch in range(epochs):
        loss, dZ = _cross_entropy(X @ W + b, y)
        losses[epoch] = loss + 0.5 * weight_decay * np.sum(W * W)
        W = W - lr * (X.T @ dZ - weight_decay * W)
        b = b - lr * dZ.sum(axis=0)
    return W, b, losses
""",
        ("test_weight_decay_is_in_the_gradient_of_W_only", "test_weight_decay_shrinks_the_weights")),
    "penalty_missing_from_losses": (
        "weight decay in the gradient, but losses record the cross-entropy alone",
        """
def train_probe(X, y, num_classes, epochs=200, lr=0.5, weight_decay=0.0, seed=0):
    X = _matrix(X, "X", "(n, d)")
    num_classes = _integer(num_classes, "num_classes", 2)
    y = _labels(y, X.shape[0], num_classes, "y")
    epochs = _integer(epochs, "epochs", 1)
    lr = _real(lr, "lr", positive=True)
    weight_decay = _real(weight_decay, "weight_decay", positive=False)
    W, b = np.zeros((X.shape[1], num_classes)), np.zeros(num_classes)
    losses = np.empty(epochs)
    for epoch in range(epochs):
        losses[epoch], dZ = _cross_entropy(X @ W + b, y)
        W = W - lr * (X.T @ dZ + weight_decay * W)
        b = b - lr * dZ.sum(axis=0)
    return W, b, losses
""",
        ("test_losses_include_the_weight_decay_term",)),
    "losses_after_the_update": (
        "losses[e] is the loss after the e-th update (an extra forward pass), not the one its gradient came from",
        """
def train_probe(X, y, num_classes, epochs=200, lr=0.5, weight_decay=0.0, seed=0):
    X = _matrix(X, "X", "(n, d)")
    num_classes = _integer(num_classes, "num_classes", 2)
    y = _labels(y, X.shape[0], num_classes, "y")
    epochs = _integer(epochs, "epochs", 1)
    lr = _real(lr, "lr", positive=True)
    weight_decay = _real(weight_decay, "weight_decay", positive=False)
    W, b = np.zeros((X.shape[1], num_classes)), np.zeros(num_classes)
    losses = np.empty(epochs)
    for epoch in range(epochs):
        _, dZ = _cross_entropy(X @ W + b, y)
        W = W - lr * (X.T @ dZ + weight_decay * W)
        b = b - lr * dZ.sum(axis=0)
        losses[epoch] = _cross_entropy(X @ W + b, y)[0] + 0.5 * weight_decay * np.sum(W * W)
    return W, b, losses
""",
        ("test_losses_are_recorded_before_each_update",)),
    "only_the_last_loss": (
        "losses holds the final loss only, not one value per epoch",
        """
_reference_train_probe = train_probe


def train_probe(X, y, num_classes, epochs=200, lr=0.5, weight_decay=0.0, seed=0):
    W, b, losses = _reference_train_probe(X, y, num_classes, epochs, lr, weight_decay, seed)
    return W, b, losses[-1:]
""",
        ("test_train_probe_shapes", "test_losses_are_recorded_before_each_update")),
    "bias_never_trained": (
        "train_probe updates W but leaves b at zeros",
        """
def train_probe(X, y, num_classes, epochs=200, lr=0.5, weight_decay=0.0, seed=0):
    X = _matrix(X, "X", "(n, d)")
    num_classes = _integer(num_classes, "num_classes", 2)
    y = _labels(y, X.shape[0], num_classes, "y")
    epochs = _integer(epochs, "epochs", 1)
    lr = _real(lr, "lr", positive=True)
    weight_decay = _real(weight_decay, "weight_decay", positive=False)
    W, b = np.zeros((X.shape[1], num_classes)), np.zeros(num_classes)
    losses = np.empty(epochs)
    for epoch in range(epochs):
        loss, dZ = _cross_entropy(X @ W + b, y)
        losses[epoch] = loss + 0.5 * weight_decay * np.sum(W * W)
        W = W - lr * (X.T @ dZ + weight_decay * W)
    return W, b, losses
""",
        ("test_train_probe_takes_gradient_descent_steps",)),
    "standardizes_X": (
        "train_probe standardizes the columns of X first, so W no longer applies to the embeddings as given",
        """
_reference_train_probe = train_probe


def train_probe(X, y, num_classes, epochs=200, lr=0.5, weight_decay=0.0, seed=0):
    X = _matrix(X, "X", "(n, d)")
    X = (X - X.mean(axis=0)) / np.maximum(X.std(axis=0), 1e-12)
    return _reference_train_probe(X, y, num_classes, epochs, lr, weight_decay, seed)
""",
        ("test_train_probe_takes_gradient_descent_steps",)),
    "W_transposed": (
        "W kept as (C, d), the PyTorch nn.Linear layout, with logits X @ W.T + b",
        """
_reference_train_probe = train_probe


def train_probe(X, y, num_classes, epochs=200, lr=0.5, weight_decay=0.0, seed=0):
    W, b, losses = _reference_train_probe(X, y, num_classes, epochs, lr, weight_decay, seed)
    return W.T.copy(), b, losses
""",
        ("test_train_probe_shapes",)),
    "accuracy_by_argmin": (
        "probe_accuracy predicts the class of the smallest logit",
        """
def probe_accuracy(X, y, W, b):
    X, W, b, y = np.asarray(X, float), np.asarray(W, float), np.asarray(b, float), np.asarray(y)
    _labels(y, X.shape[0], W.shape[1], "y")
    return float(np.mean(np.argmin(X @ W + b, axis=1) == y))
""",
        ("test_probe_accuracy_hand_case",)),
    "accuracy_ties_to_the_last_class": (
        "probe_accuracy breaks ties toward the higher class index (argmax of the reversed columns)",
        """
def probe_accuracy(X, y, W, b):
    X, W, b, y = np.asarray(X, float), np.asarray(W, float), np.asarray(b, float), np.asarray(y)
    _labels(y, X.shape[0], W.shape[1], "y")
    Z = X @ W + b
    C = Z.shape[1]
    return float(np.mean(C - 1 - np.argmax(Z[:, ::-1], axis=1) == y))
""",
        ("test_probe_accuracy_breaks_ties_toward_the_lower_class",)),
    "accuracy_broadcasts_labels": (
        "probe_accuracy compares the predictions with y[:, None]: an (n, n) table of every pair",
        """
def probe_accuracy(X, y, W, b):
    X, W, b, y = np.asarray(X, float), np.asarray(W, float), np.asarray(b, float), np.asarray(y)
    _labels(y, X.shape[0], W.shape[1], "y")
    return float(np.mean(np.argmax(X @ W + b, axis=1) == y[:, None]))
""",
        ("test_probe_accuracy_hand_case",)),
    "accuracy_ignores_the_bias": (
        "probe_accuracy predicts with argmax(X @ W), forgetting b",
        """
_reference_probe_accuracy = probe_accuracy


def probe_accuracy(X, y, W, b):
    return _reference_probe_accuracy(X, y, W, np.zeros_like(np.asarray(b, dtype=float)))
""",
        ("test_probe_accuracy_hand_case",)),
    "float_labels_truncated": (
        "labels converted with astype(int), so 1.0 and 1.7 both become class 1 instead of an error",
        """
_reference_labels = _labels


def _labels(labels, n, num_classes, name):
    return _reference_labels(np.asarray(labels).astype(np.int64), n, num_classes, name)
""",
        (
            "test_softmax_cross_entropy_rejects_bad_input",
            "test_train_probe_rejects_bad_input",
            "test_probe_accuracy_rejects_bad_input",
        )),
    "logits_shifted_in_place": (
        "softmax_cross_entropy subtracts the row max from the caller's logits in place (np.asarray does not copy)",
        """
def softmax_cross_entropy(logits, labels):
    Z = _matrix(np.asarray(logits, dtype=np.float64), "logits", "(n, C)")
    Z -= Z.max(axis=1, keepdims=True)
    return _cross_entropy(Z, _labels(labels, Z.shape[0], Z.shape[1], "labels"))
""",
        ("test_inputs_are_left_unchanged",)),
    "seed_never_checked": (
        "train_probe ignores seed altogether, since nothing is random: seed=0.5 or None passes silently",
        """
_reference_train_probe = train_probe


def train_probe(X, y, num_classes, epochs=200, lr=0.5, weight_decay=0.0, seed=0):
    return _reference_train_probe(X, y, num_classes, epochs, lr, weight_decay, 0)
""",
        ("test_train_probe_rejects_bad_input",)),
}

SLOW = {
    "per_sample_gradient_loop": (
        "train_probe right, but every epoch loops over the samples in Python",
        """
def train_probe(X, y, num_classes, epochs=200, lr=0.5, weight_decay=0.0, seed=0):
    X = _matrix(X, "X", "(n, d)")
    num_classes = _integer(num_classes, "num_classes", 2)
    y = _labels(y, X.shape[0], num_classes, "y")
    epochs = _integer(epochs, "epochs", 1)
    lr = _real(lr, "lr", positive=True)
    weight_decay = _real(weight_decay, "weight_decay", positive=False)
    _integer(seed, "seed")
    n = X.shape[0]
    W, b = np.zeros((X.shape[1], num_classes)), np.zeros(num_classes)
    losses = np.empty(epochs)
    for epoch in range(epochs):
        total, dW, db = 0.0, np.zeros_like(W), np.zeros_like(b)
        for x_i, y_i in zip(X, y):
            z = x_i @ W + b
            z = z - z.max()
            p = np.exp(z)
            s = p.sum()
            total += np.log(s) - z[y_i]
            p /= s
            p[y_i] -= 1.0
            dW += np.outer(x_i, p)
            db += p
        losses[epoch] = total / n + 0.5 * weight_decay * np.sum(W * W)
        W = W - lr * (dW / n + weight_decay * W)
        b = b - lr * db / n
    return W, b, losses
"""),
    "per_row_softmax_loop": (
        "softmax_cross_entropy right, but it loops over the rows in Python (train_probe calls it every epoch)",
        """
def _cross_entropy(Z, labels):
    n = Z.shape[0]
    dZ = np.empty_like(Z)
    total = 0.0
    for i in range(n):
        s = Z[i] - Z[i].max()
        e = np.exp(s)
        total += np.log(e.sum()) - s[labels[i]]
        dZ[i] = e / e.sum()
        dZ[i, labels[i]] -= 1.0
    return float(total / n), dZ / n
"""),
}

CORRECT = {
    "logsumexp_and_eye": (
        "loss from an explicit logsumexp m + log(sum(exp(z - m))) and np.eye(C)[labels] as the one-hot",
        """
def _cross_entropy(Z, labels):
    n, C = Z.shape
    m = np.max(Z, axis=1, keepdims=True)
    lse = m + np.log(np.sum(np.exp(Z - m), axis=1, keepdims=True))
    Y = np.eye(C)[labels]
    loss = np.sum((lse - Z) * Y) / n
    return float(loss), (np.exp(Z - lse) - Y) / n
"""),
    "log_softmax_by_logaddexp": (
        "log-softmax with np.logaddexp.reduce and the label's entry picked by np.take_along_axis",
        """
def _cross_entropy(Z, labels):
    log_p = Z - np.logaddexp.reduce(Z, axis=1, keepdims=True)
    picked = np.take_along_axis(log_p, labels[:, None], axis=1)
    dZ = np.exp(log_p)
    dZ[np.arange(len(Z)), labels] -= 1.0
    return float(-picked.mean()), dZ / len(Z)
"""),
    "class_by_class_gradient": (
        "train_probe with in-place updates and a gradient built one class (column) at a time",
        """
def train_probe(X, y, num_classes, epochs=200, lr=0.5, weight_decay=0.0, seed=0):
    X = _matrix(X, "X", "(n, d)")
    num_classes = _integer(num_classes, "num_classes", 2)
    y = _labels(y, X.shape[0], num_classes, "y")
    epochs = _integer(epochs, "epochs", 1)
    lr = _real(lr, "lr", positive=True)
    weight_decay = _real(weight_decay, "weight_decay", positive=False)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError(f"seed must be an integer, got {seed!r}")
    n, d = X.shape
    W, b = np.zeros((d, num_classes)), np.zeros(num_classes)
    losses = []
    for _ in range(epochs):
        Z = X @ W + b
        Z -= Z.max(axis=1, keepdims=True)
        log_norm = np.log(np.exp(Z).sum(axis=1))
        losses.append(np.mean(log_norm - Z[np.arange(n), y]) + weight_decay / 2 * np.vdot(W, W))
        P = np.exp(Z - log_norm[:, None])
        for c in range(num_classes):
            residual = (P[:, c] - (y == c)) / n
            W[:, c] -= lr * (X.T @ residual + weight_decay * W[:, c])
            b[c] -= lr * residual.sum()
    return W, b, np.array(losses)
"""),
    "shrink_factor_and_negated_argmin": (
        "train_probe with weight decay folded into a shrink factor, W = (1 - lr wd) W - lr X.T @ G, logits by "
        "np.einsum, the bias gradient as ones @ G and the penalty from np.linalg.norm; the loss summed from the "
        "last row up; probe_accuracy as the first argmin of the negated logits b + X @ W, counted as a sum / n",
        """
def _cross_entropy(Z, labels):
    n, C = Z.shape
    top = Z.max(axis=1, keepdims=True)
    log_norm = np.log(np.exp(Z - top).sum(axis=1))  # logsumexp minus the row max
    picked = Z[np.arange(n), labels] - top[:, 0]
    loss = float(np.sum((log_norm - picked)[::-1]) / n)
    dZ = np.exp(Z - top - log_norm[:, None])
    dZ[np.arange(n), labels] -= 1.0
    return loss, dZ / n


def train_probe(X, y, num_classes, epochs=200, lr=0.5, weight_decay=0.0, seed=0):
    X = _matrix(X, "X", "(n, d)")
    num_classes = _integer(num_classes, "num_classes", 2)
    y = _labels(y, X.shape[0], num_classes, "y")
    epochs = _integer(epochs, "epochs", 1)
    lr = _real(lr, "lr", positive=True)
    weight_decay = _real(weight_decay, "weight_decay", positive=False)
    _integer(seed, "seed")
    n, d = X.shape
    ones = np.ones(n)
    W, b = np.zeros((d, num_classes)), np.zeros(num_classes)
    losses = np.empty(epochs)
    for epoch in range(epochs):
        loss, G = _cross_entropy(np.einsum("nd,dc->nc", X, W) + b, y)
        losses[epoch] = loss + weight_decay / 2 * np.linalg.norm(W) ** 2
        W = (1.0 - lr * weight_decay) * W - lr * (X.T @ G)
        b = b - lr * (ones @ G)
    return W, b, losses


def probe_accuracy(X, y, W, b):
    X = _matrix(X, "X", "(n, d)")
    W = _matrix(W, "W", "(d, C)")
    if W.shape[0] != X.shape[1]:
        raise ValueError("W must have shape (d, C)")
    b = np.asarray(b, dtype=np.float64)
    if b.shape != (W.shape[1],) or not np.isfinite(b).all():
        raise ValueError("b must be finite, of shape (C,)")
    y = _labels(y, X.shape[0], W.shape[1], "y")
    negated = -(b + X @ W)
    predictions = np.argmin(negated, axis=1)  # the first minimum: ties go to the lower class
    return float(np.count_nonzero(predictions == y)) / len(y)
"""),
}
