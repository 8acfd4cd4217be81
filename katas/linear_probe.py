"""Kata 8 — linear probes on frozen embeddings.

Read katas/linear_probe.md first. Fill in each function, then run
    python grader.py linear_probe
Use only numpy and the standard library. Never change an input in place, and raise a
ValueError that names the problem for bad input (labels out of range or not integers,
shapes that do not match, num_classes < 2, epochs < 1, lr <= 0, weight_decay < 0, empty X).

A probe is the linear classifier logits = X @ W + b on frozen embeddings X of shape
(n, d), one sample per row: W has shape (d, C) and b shape (C,), for C classes.
"""

import numpy as np


def softmax_cross_entropy(logits, labels):
    """(loss, dlogits): mean softmax cross-entropy over the rows, and its gradient.

    logits has shape (n, C), labels shape (n,) with integers in 0..C-1. With
    p_i = softmax(logits[i]):

        loss    = mean over i of  logsumexp(logits[i]) - logits[i, labels[i]]   (a Python float)
        dlogits = (p - onehot(labels)) / n                                       (n, C), float64

    Stable for logits of any size: subtract each row's max before exp, so nothing overflows.

    >>> loss, dlogits = softmax_cross_entropy([[2.0, 0.0], [0.0, 0.0]], [0, 1])
    >>> round(loss, 12)
    0.410037595801
    >>> dlogits
    array([[-0.05960146,  0.05960146],
           [ 0.25      , -0.25      ]])
    >>> softmax_cross_entropy([[1000.0, -1000.0]], [1])
    (2000.0, array([[ 1., -1.]]))

    Each row of dlogits sums to 0. ValueError if logits is not 2-D, is empty or is not
    finite, if labels are not integers (bools and floats are not class indices), if
    labels does not have shape (n,), or if a label is < 0 or >= C.
    """
    raise NotImplementedError


def train_probe(X, y, num_classes, epochs=200, lr=0.5, weight_decay=0.0, seed=0):
    """Softmax regression by full-batch gradient descent: (W, b, losses).

    X (n, d) are frozen embeddings, used as given (not standardized); y (n,) their integer
    labels in 0..num_classes-1. W (d, num_classes) and b (num_classes,) start at zeros,
    and each of the `epochs` epochs is one gradient-descent step on the whole batch:

        L(W, b) = softmax cross-entropy of (X @ W + b, y) + (weight_decay / 2) * sum(W ** 2)
        W <- W - lr * (X.T @ dlogits + weight_decay * W)
        b <- b - lr * dlogits.sum(axis=0)                   (b is not decayed)

    with dlogits the gradient softmax_cross_entropy returns for the current W and b.

    losses (float64, shape (epochs,)): losses[e] = L of the parameters epoch e starts from,
    the loss computed in the same forward pass as the gradient of the e-th update (so
    losses[0] = log(num_classes) from zeros, and losses[e] for e >= 1 is the loss of what
    train_probe(..., epochs=e) returns). The model returned is the one after all `epochs`
    updates. The losses never increase when the step is small enough for the curvature:
    lr < 4 / (1 + mean_i ||X[i]||^2 + 2 * weight_decay) suffices, which the default
    lr = 0.5 meets for embeddings of norm up to about 2 (scale larger features down).
    Starting from zeros, full-batch gradient descent draws no random number: seed changes
    nothing, but it must still be an int, like every seed of the katas (0.5, None, "0" or
    True is a ValueError); the same call always gives the same result.

    >>> W, b, losses = train_probe([[1., 0.], [0., 1.], [1., 1.]], [0, 1, 1], 2, epochs=1)
    >>> W
    array([[ 0.        ,  0.        ],
           [-0.16666667,  0.16666667]])
    >>> b
    array([-0.08333333,  0.08333333])
    >>> losses
    array([0.69314718])

    ValueError for bad X (not 2-D, empty, not finite), bad y (not integers, not of shape
    (n,), out of range), num_classes < 2, epochs < 1, lr <= 0, weight_decay < 0, or a
    seed that is not an int.
    """
    raise NotImplementedError


def probe_accuracy(X, y, W, b):
    """Fraction of rows whose predicted class is their label: a Python float in [0, 1].

    The prediction of row i is the argmax of (X @ W + b)[i]; a tie goes to the lower
    class index (what np.argmax does).

    >>> probe_accuracy([[1., 0.], [0., 1.], [1., 1.]], [0, 1, 1], np.eye(2), [0., 0.])
    0.6666666666666666

    (the last row ties between classes 0 and 1, so it is predicted 0 and counts as wrong).
    ValueError if X is not 2-D or is empty, if W is not (d, C) for X's d, if b is not
    (C,), or for bad y (not integers, not of shape (n,), a label < 0 or >= C).
    """
    raise NotImplementedError
