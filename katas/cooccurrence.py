"""Kata 3 — a co-occurrence embedding trainer.

Read katas/cooccurrence.md first. Fill in each function, then run
    python grader.py cooccurrence
Use only numpy and the standard library. Never change an input in place, and raise a
ValueError that names the problem for bad input (ids out of range, wrong shapes...).

The pipeline: sentences -> build_vocab -> encode -> cooccurrence_matrix -> ppmi ->
svd_embeddings gives one set of word vectors; encode -> train_sgns gives another, learned
with the gradients of sgns_loss_and_grads.
"""

import numpy as np


def build_vocab(sentences, min_count=1):
    """The vocabulary of a corpus: (words, counts).

    sentences is an iterable of token lists (lists of str). words is a list of the
    distinct tokens that occur at least min_count times, by count descending, ties in
    alphabetical order (Python's string order); counts is an int array, counts[i] the
    number of occurrences of words[i].

    >>> build_vocab([["the", "cat", "sat"], ["the", "dog", "sat"], ["a", "cat"]])
    (['cat', 'sat', 'the', 'a', 'dog'], array([2, 2, 2, 1, 1]))
    >>> build_vocab([["the", "cat", "sat"], ["the", "dog", "sat"], ["a", "cat"]], min_count=2)
    (['cat', 'sat', 'the'], array([2, 2, 2]))

    ValueError if min_count is not an integer >= 1, or if a sentence is a str instead of
    a list of tokens (iterating it would give characters).
    """
    raise NotImplementedError


def encode(sentences, words):
    """Each sentence as an int array of ids: a list with one array per sentence.

    The id of a token is its index in words. Tokens that are not in words
    (out-of-vocabulary) are dropped here, before any window is taken, so the tokens on
    either side of a dropped one become neighbours. A sentence with no known token gives
    an empty array.

    >>> encode([["the", "cat", "sat"], ["a", "dog"]], ["cat", "sat", "the"])
    [array([2, 0, 1]), array([], dtype=int64)]

    ValueError if words holds the same word twice.
    """
    raise NotImplementedError


def cooccurrence_matrix(encoded, vocab_size, window=2, weighting="uniform"):
    """Co-occurrence counts: float64 array of shape (vocab_size, vocab_size).

    encoded is a list of 1-D int arrays (one per sentence, as encode returns). For every
    ordered pair of positions p != q of the same sentence with |p - q| <= window,
    C[w_p, w_q] += 1 ("uniform") or 1 / |p - q| ("harmonic"). Windows never cross from one
    sentence into the next. C is symmetric by construction; a word that occurs twice
    within a window adds 2 to its diagonal entry (the pairs (p, q) and (q, p)).

    >>> cooccurrence_matrix([[0, 1, 2], [1, 1]], 3, window=1)
    array([[0., 1., 0.],
           [1., 2., 1.],
           [0., 1., 0.]])
    >>> cooccurrence_matrix([[0, 1, 2]], 3, window=2, weighting="harmonic")
    array([[0. , 1. , 0.5],
           [1. , 0. , 1. ],
           [0.5, 1. , 0. ]])

    Vectorize it: a corpus of a million tokens must take well under a second.
    ValueError if vocab_size or window is not an integer >= 1, if weighting is not
    "uniform" or "harmonic", if a sentence is not 1-D, or if an id is not an integer in
    0..vocab_size-1.
    """
    raise NotImplementedError


def ppmi(C, alpha=0.75, shift=1.0):
    """Positive pointwise mutual information of a count matrix: float64, shape of C.

    With N = C.sum(), P(w, c) = C[w, c] / N, P(w) = (row sum of w) / N and the smoothed
    context distribution P_alpha(c) = colsum(c) ** alpha / sum over c' of colsum(c') ** alpha:
        PMI(w, c)  = log(P(w, c) / (P(w) P_alpha(c)))
        result     = max(PMI(w, c) - log(shift), 0), and 0 wherever C[w, c] == 0.
    Empty rows or columns give zeros, never NaN; a matrix of zeros gives zeros.

    >>> C = np.array([[0, 2, 1], [2, 0, 1], [1, 1, 0]])
    >>> ppmi(C, alpha=1.0)
    array([[0.        , 0.57536414, 0.28768207],
           [0.57536414, 0.        , 0.28768207],
           [0.28768207, 0.28768207, 0.        ]])

    (0.575 = log(2 * 8 / (3 * 3)): N = 8 and both row sums are 3.) With the default
    alpha = 0.75 the rare context 2 gets a larger P_alpha, so column 2 shrinks to 0.2126.
    ValueError if C is not 2-D, holds a negative or non-finite count, alpha <= 0 or
    shift <= 0.
    """
    raise NotImplementedError


def svd_embeddings(M, dim, power=0.5):
    """Word vectors from a truncated SVD: float64 array of shape (M.shape[0], dim).

    With M = U diag(S) V^T (singular values descending), the result is
    U[:, :dim] * S[:dim] ** power. power = 0.5 splits S evenly between words and
    contexts, power = 0 keeps U alone. Each singular vector's sign is arbitrary: any sign
    is accepted.

    >>> svd_embeddings(np.diag([4.0, 1.0]), 2)
    array([[2., 0.],
           [0., 1.]])
    >>> svd_embeddings(np.diag([4.0, 1.0]), 1, power=1.0)
    array([[4.],
           [0.]])

    ValueError if M is not 2-D or holds NaN/inf, if dim is not an integer in
    1..min(M.shape), or if power < 0.
    """
    raise NotImplementedError


def sgns_loss_and_grads(W_in, W_out, centers, contexts, negatives):
    """Skip-gram with negative sampling on one batch: (loss, dW_in, dW_out).

    W_in (V, d) holds the word (center) vectors, W_out (V', d) the context vectors;
    centers and contexts are int arrays of shape (B,), negatives of shape (B, K). For
    pair i, with v = W_in[centers[i]], u = W_out[contexts[i]], u_k = W_out[negatives[i, k]]:
        loss_i = -log sigmoid(u . v) - sum over k of log sigmoid(-u_k . v)
    K = 0 is allowed: negatives of shape (B, 0) leave the positive term alone (an empty
    sum), and only the context rows of W_out get a gradient.
    loss is the mean of loss_i over the batch (a Python float); dW_in and dW_out (float64,
    shapes of W_in and W_out) are its gradients. Repeated ids accumulate (the same center
    twice, a negative equal to the context...). Stable for dot products of any size: no
    overflow, no NaN or inf, no warnings.

    >>> loss, dW_in, dW_out = sgns_loss_and_grads([[1.0, 2.0]], np.zeros((2, 2)), [0], [1], [[0]])
    >>> loss                      # 2 log 2: every dot product is 0, sigmoid(0) = 1/2
    1.3862943611198906
    >>> dW_in
    array([[0., 0.]])
    >>> dW_out                    # row 1 (context): (sigmoid(0) - 1) v; row 0 (negative): sigmoid(0) v
    array([[ 0.5,  1. ],
           [-0.5, -1. ]])
    >>> sgns_loss_and_grads([[1.0, 2.0]], np.zeros((2, 2)), [0], [1], np.zeros((1, 0), int))[0]
    0.6931471805599453

    ValueError if W_in or W_out is not 2-D or their numbers of columns differ, if centers
    and contexts are not 1-D of one length B >= 1, if negatives is not (B, K) with K >= 0,
    or for an id that is not an integer in range (0..V-1 for centers, 0..V'-1 for the
    others; an empty negatives holds no id, whatever its dtype).
    """
    raise NotImplementedError


def train_sgns(encoded, vocab_size, dim=50, window=2, negatives=5, epochs=5, lr=0.025, seed=0):
    """Train skip-gram with negative sampling by minibatch SGD: (W_in, losses).

    The training pairs (center, context) are all ordered pairs of positions p != q of one
    sentence with |p - q| <= window: the pairs cooccurrence_matrix counts (no dynamic
    window, no subsampling). Everything random comes from rng = np.random.default_rng(seed):
    - W_in starts as (rng.random((vocab_size, dim)) - 0.5) / dim, W_out as zeros;
    - each epoch visits every pair once, in an order shuffled by rng, in minibatches of
      256 pairs (the last one may be smaller);
    - each pair gets `negatives` noise words, drawn with replacement from the unigram
      distribution of encoded to the power 0.75: P(w) = count(w) ** 0.75 / sum of them
      (a draw of its own, or one shared by a group of pairs of its minibatch: both are fine);
    - a step moves the rows of W_in and W_out by -lr_t times the SUM over the batch of the
      pairs' gradients (= lr_t * B * the gradients of the batch-mean loss that
      sgns_loss_and_grads returns), so lr is the per-pair step of word2vec;
    - lr_t decays linearly over training, as in word2vec:
      lr_t = lr * max(1 - pairs_seen_before_this_batch / (epochs * number_of_pairs), 1e-4).
    Returns W_in (float64, (vocab_size, dim)) and losses (float64, (epochs,)): losses[e] is
    the mean over the pairs of epoch e of the loss of sgns_loss_and_grads, each batch's loss
    taken before its step. Same seed, same result.

    >>> W_in, losses = train_sgns([[0, 1, 2, 1, 0]], 3, dim=4, epochs=2)
    >>> W_in.shape, losses.shape
    ((3, 4), (2,))
    >>> round(float(losses[0]), 12)   # one batch, W_out still zero: 6 log 2 with 5 negatives
    4.15888308336

    Vectorize over each minibatch: an epoch over 100,000 tokens must take well under a
    second. ValueError if vocab_size, dim, window, negatives or epochs is not an integer
    >= 1, if seed is not an integer >= 0, if lr is not a number > 0, for ids as in
    cooccurrence_matrix, or if encoded has no pair of tokens to train on.
    """
    raise NotImplementedError
