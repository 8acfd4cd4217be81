"""Kata 9 — embeddings learned by predicting the next word.

Read katas/next_word.md first. Fill in each function, then run
    python grader.py next_word
Use only numpy and the standard library. Never change an input in place, and raise a
ValueError that names the problem for bad input (ids out of range, a target equal to pad_id,
context < 1, shapes that do not agree...).

The model: a table E (V, d), one row per word; the rows of the words before position t are
pooled (their mean, padding left out) into h (d,), and h @ W + b, with W (d, V) and b (V,),
scores every word of the vocabulary as the next one. Cross-entropy against the word that
really comes next nudges W, b and the rows of E that took part. Row pad_id of E is padding:
it is never pooled and never learns.
"""

import numpy as np


def context_windows(encoded, context, pad_id):
    """Every next-word example of a corpus: (X, y).

    encoded is a list of 1-D int arrays, one per sentence (as kata 3's encode returns). For
    every position t of every sentence, in order, one row of X holds the `context` ids just
    before t, oldest first, left-padded with pad_id where the sentence has fewer than
    `context` words before t; y holds the id at t. The first word of a sentence gets a row of
    padding only. Windows never reach into the sentence before. X is an int array of shape
    (N, context) and y of shape (N,), N the number of words in the corpus.

    >>> X, y = context_windows([np.array([5, 6, 7]), np.array([8, 9])], 2, pad_id=0)
    >>> X
    array([[0, 0],
           [0, 5],
           [5, 6],
           [0, 0],
           [0, 8]])
    >>> y
    array([5, 6, 7, 8, 9])

    Vectorize it: a corpus of a million words must take well under a second.
    ValueError if context is not an integer >= 1, if pad_id is not an integer >= 0, if a
    sentence is not 1-D or holds an id that is not an integer >= 0, or if a sentence holds
    pad_id (it would become a word to predict).
    """
    raise NotImplementedError


def forward(E, W, b, X, pad_id):
    """The logits of the next word: float64 array of shape (N, V).

    E (V, d) is the table, W (d, V) and b (V,) the output layer, X (N, context) a batch of
    windows of ids in 0..V-1, pad_id one of them. Row i of the result is h_i @ W + b, where
    h_i is the mean of the rows E[X[i, j]] over the positions j with X[i, j] != pad_id: the
    sum divided by the number of real words of row i, not by context. A row of padding only
    has h_i = 0, so its logits are b. Row pad_id of E is never used.

    >>> E = np.array([[9., 9.], [1., 0.], [0., 2.], [4., 4.]])        # row 0 is padding
    >>> W = np.array([[1., 0., 0., 1.], [0., 1., 0., 1.]])
    >>> b = np.array([0., 0., 0.5, 0.])
    >>> forward(E, W, b, [[1, 2], [0, 3], [0, 0]], pad_id=0)           # h = [.5 1], [4 4], [0 0]
    array([[0.5, 1. , 0.5, 1.5],
           [4. , 4. , 0.5, 8. ],
           [0. , 0. , 0.5, 0. ]])

    ValueError if E is not 2-D, if W is not (d, V) or b not (V,) for E's shape, if X is not a
    2-D array of integer ids in 0..V-1 with at least one column, or if pad_id is not in 0..V-1.
    """
    raise NotImplementedError


def loss_and_grads(E, W, b, X, y, pad_id):
    """Mean softmax cross-entropy of the next word, and its gradients: (loss, dE, dW, db).

    With the logits Z = forward(E, W, b, X, pad_id) and y (N,) the ids of the next words:

        loss = mean over i of  logsumexp(Z[i]) - Z[i, y[i]]          (a Python float)

    dE (V, d), dW (d, V) and db (V,) are its gradients (float64). Every position of X that
    took part sends its share of the gradient to its row of E: a word twice in one row, or
    in several rows, accumulates all of them (kata 1's scatter-add). Row pad_id of dE is
    zero. Stable for logits of any size: no overflow, NaN or warning.

    >>> loss, dE, dW, db = loss_and_grads(np.ones((3, 2)), np.zeros((2, 3)), np.zeros(3),
    ...                                   [[1, 0]], [2], pad_id=0)
    >>> round(loss, 12)           # W = b = 0: every word gets probability 1/3, loss log 3
    1.098612288668
    >>> db                        # softmax [1/3 1/3 1/3] minus the one-hot of y = 2
    array([ 0.33333333,  0.33333333, -0.66666667])
    >>> dE                        # W = 0: no gradient reaches the table yet
    array([[0., 0.],
           [0., 0.],
           [0., 0.]])

    ValueError as in forward, and if y is not (N,) with N >= 1, holds an id outside
    0..V-1, or holds pad_id (padding is never a word to predict).
    """
    raise NotImplementedError


def train_next_word(encoded, vocab_size, pad_id, dim=32, context=3, epochs=3, lr=0.5,
                    batch_size=256, seed=0):
    """Learn the table by predicting the next word, with minibatch SGD: (E, W, b, losses).

    The examples are context_windows(encoded, context, pad_id): N windows and their next
    words. Everything random comes from rng = np.random.default_rng(seed), in this order:
    - E starts as 0.1 * rng.standard_normal((vocab_size, dim)), drawn first, with row pad_id
      then set to zeros; W starts as zeros((dim, vocab_size)) and b as zeros(vocab_size);
    - each epoch draws order = rng.permutation(N) and visits the windows in that order, in
      batches of batch_size (the last one may be smaller; batch_size >= N gives one batch);
    - each batch takes one step E -= lr * dE, W -= lr * dW, b -= lr * db, with the gradients
      loss_and_grads returns for that batch (of its mean loss).
    losses (float64, (epochs,)): losses[e] is the mean over the N windows of the loss of
    epoch e, each batch's loss taken before its step (a batch of n windows counts n times).
    E (vocab_size, dim), W and b are float64; row pad_id of E never changes (it stays 0).
    Same seed, same result.

    >>> E, W, b, losses = train_next_word([np.array([1, 2, 3, 1, 2, 3])], 4, pad_id=0, dim=2, epochs=2)
    >>> E.shape, W.shape, b.shape, losses.shape
    ((4, 2), (2, 4), (4,), (2,))
    >>> float(losses[0])          # one batch, taken while W = b = 0: log 4
    1.3862943611198906
    >>> E[0]                      # row pad_id
    array([0., 0.])

    Vectorize each batch (no Python loop over its windows). ValueError if vocab_size is not
    an integer >= 2, if pad_id is not in 0..vocab_size-1, for ids as in context_windows or
    >= vocab_size, if dim, context, epochs or batch_size is not an integer >= 1, if lr is
    not a number > 0, if seed is not an int >= 0 (0.5, None or True is no seed), or if
    encoded holds no word at all.
    """
    raise NotImplementedError


def perplexity(E, W, b, X, y, pad_id):
    """exp of the mean cross-entropy of the next words y given the windows X: a Python float.

    1.0 for a model that is always sure and right; V for one that gives every word of the
    vocabulary the same probability (W = 0 and b = 0, say); exp(entropy) of the unigram
    distribution for one that ignores the context and predicts each word by its frequency.
    Stable for logits of any size.

    >>> perplexity(np.ones((4, 2)), np.zeros((2, 4)), np.zeros(4), [[0], [1]], [1, 2], pad_id=0)
    4.0

    ValueError as in loss_and_grads.
    """
    raise NotImplementedError
