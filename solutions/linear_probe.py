"""Kata 8 — linear probes on frozen embeddings (reference solution)."""

import numbers

import numpy as np


# ---------------------------------------------------------------- validation

def _matrix(A, name, what):
    """A as a finite float64 2-D array with at least one row and one column, or a ValueError."""
    A = np.asarray(A, dtype=np.float64)
    if A.ndim != 2:
        raise ValueError(f"{name} must be 2-D {what}, got shape {A.shape}")
    if A.shape[0] == 0 or A.shape[1] == 0:
        raise ValueError(f"{name} is empty (shape {A.shape}): it needs at least one row and one column")
    if not np.isfinite(A).all():
        raise ValueError(f"{name} must be finite (it contains NaN or inf)")
    return A


def _labels(labels, n, num_classes, name):
    """labels as a 1-D intp array of length n with values in 0..num_classes-1, or a ValueError."""
    labels = np.asarray(labels)
    if labels.dtype == bool or labels.dtype.kind not in "iu":
        raise ValueError(f"{name} must be integers (class indices), got dtype {labels.dtype}")
    if labels.ndim != 1 or labels.shape[0] != n:
        raise ValueError(f"{name} must have shape ({n},), one class index per row, got shape {labels.shape}")
    if labels.min() < 0 or labels.max() >= num_classes:
        raise ValueError(f"{name} must be in 0..{num_classes - 1}, "
                         f"got values from {labels.min()} to {labels.max()}")
    return labels.astype(np.intp)


def _integer(value, name, smallest=None):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) \
            or (smallest is not None and value < smallest):
        at_least = f" >= {smallest}" if smallest is not None else ""
        raise ValueError(f"{name} must be an integer{at_least}, got {value!r}")
    return int(value)


def _real(value, name, positive):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number, got {value!r}")
    value = float(value)
    if not np.isfinite(value) or (value <= 0 if positive else value < 0):
        raise ValueError(f"{name} must be {'> 0' if positive else '>= 0'} and finite, got {value!r}")
    return value


# ---------------------------------------------------------------- the loss

def _cross_entropy(Z, labels):
    """(loss, dZ) of the mean softmax cross-entropy, for checked Z (n, C) and labels (n,).

    Subtracting each row's max before exp leaves the softmax unchanged and makes the
    largest exponent exp(0) = 1: nothing overflows, and the row sum is at least 1, so
    its log is finite. The loss of row i is logsumexp(z_i) - z_i[y_i], written with the
    shifted row s_i = z_i - max(z_i) as log(sum(exp(s_i))) - s_i[y_i].
    """
    n = Z.shape[0]
    rows = np.arange(n)
    shifted = Z - Z.max(axis=1, keepdims=True)
    E = np.exp(shifted)
    sums = E.sum(axis=1, keepdims=True)
    loss = float(np.mean(np.log(sums[:, 0]) - shifted[rows, labels]))
    dZ = E / sums                # the softmax
    dZ[rows, labels] -= 1.0      # minus the one-hot labels
    dZ /= n                      # the mean over rows
    return loss, dZ


def softmax_cross_entropy(logits, labels):
    Z = _matrix(logits, "logits", "(n, C), one row of class scores per sample")
    labels = _labels(labels, Z.shape[0], Z.shape[1], "labels")
    return _cross_entropy(Z, labels)


# ---------------------------------------------------------------- the probe

def train_probe(X, y, num_classes, epochs=200, lr=0.5, weight_decay=0.0, seed=0):
    X = _matrix(X, "X", "(n, d), one embedding per row")
    num_classes = _integer(num_classes, "num_classes", 2)
    y = _labels(y, X.shape[0], num_classes, "y")
    epochs = _integer(epochs, "epochs", 1)
    lr = _real(lr, "lr", positive=True)
    weight_decay = _real(weight_decay, "weight_decay", positive=False)
    _integer(seed, "seed")  # full-batch descent from zeros draws no random number: seed changes nothing

    W = np.zeros((X.shape[1], num_classes))
    b = np.zeros(num_classes)
    losses = np.empty(epochs)
    for epoch in range(epochs):
        loss, dZ = _cross_entropy(X @ W + b, y)
        losses[epoch] = loss + 0.5 * weight_decay * np.sum(W * W)  # the loss before this update
        dW = X.T @ dZ + weight_decay * W
        db = dZ.sum(axis=0)
        W -= lr * dW
        b -= lr * db
    return W, b, losses


def probe_accuracy(X, y, W, b):
    X = _matrix(X, "X", "(n, d), one embedding per row")
    W = _matrix(W, "W", "(d, C)")
    if W.shape[0] != X.shape[1]:
        raise ValueError(f"W must have shape (d, C) with d = {X.shape[1]} (the columns of X), got {W.shape}")
    b = np.asarray(b, dtype=np.float64)
    if b.shape != (W.shape[1],):
        raise ValueError(f"b must have shape ({W.shape[1]},), one bias per class of W, got {b.shape}")
    if not np.isfinite(b).all():
        raise ValueError("b must be finite (it contains NaN or inf)")
    y = _labels(y, X.shape[0], W.shape[1], "y")
    predictions = np.argmax(X @ W + b, axis=1)  # the first maximum: ties go to the lower class
    return float(np.mean(predictions == y))
