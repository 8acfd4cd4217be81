"""Kata 3 — a co-occurrence embedding trainer (reference solution)."""

from collections import Counter

import numpy as np

_BATCH = 256           # training pairs per minibatch in train_sgns (about: a span of text)
_NOISE_GROUP = 32      # pairs (about) of a minibatch that share one draw of noise words
_MIN_LR_FRACTION = 1e-4  # the linear decay of train_sgns stops at lr * _MIN_LR_FRACTION
_SVD_EXACT_UP_TO = 500          # svd_embeddings decomposes smaller matrices fully
_SVD_OVERSAMPLE = 20            # extra random directions of the truncated SVD
_SVD_POWER_ITERATIONS = 4       # its power iterations
_CHUNK = 256           # minibatches whose ids, weights and scores train_sgns prepares at once


# ---------------------------------------------------------------- validation helpers

def _check_int(n, name, low):
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)) or n < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {n!r}")
    return int(n)


def _check_ids(ids, size, name):
    """ids as a 1-D intp array with every entry in 0..size-1, or a ValueError."""
    ids = np.asarray(ids)
    if ids.size == 0:
        ids = ids.astype(np.intp)
    if ids.dtype == bool or ids.dtype.kind not in "iu":
        raise ValueError(f"{name} must hold integer ids, got dtype {ids.dtype}")
    if ids.size and (ids.min() < 0 or ids.max() >= size):
        raise ValueError(f"{name} must be in 0..{size - 1}, got values from {ids.min()} to {ids.max()}")
    return ids.astype(np.intp, copy=False)


def _check_sentences(sentences):
    """A list of token lists; a bare string is not a sentence (it would iterate characters)."""
    if isinstance(sentences, str):
        raise ValueError("sentences must be an iterable of token lists, not a string")
    out = []
    for i, sentence in enumerate(sentences):
        if isinstance(sentence, str):
            raise ValueError(f"sentence {i} is a string; each sentence must be a list of tokens")
        tokens = list(sentence)
        if not all(isinstance(t, str) for t in tokens):
            raise ValueError(f"sentence {i} holds a token that is not a string")
        out.append(tokens)
    return out


def _flatten(encoded, vocab_size):
    """All sentences end to end: (tokens, sentence_ids), two 1-D intp arrays of one length."""
    parts = [np.asarray(sentence) for sentence in encoded]
    for i, ids in enumerate(parts):
        if ids.ndim != 1:
            raise ValueError(f"sentence {i} of encoded must be a 1-D array of ids, got shape {ids.shape}")
    lengths = np.array([ids.size for ids in parts], dtype=np.intp)
    nonempty = [ids for ids in parts if ids.size]  # [] arrives as float64: leave it out of the dtype
    tokens = np.concatenate(nonempty) if nonempty else np.zeros(0, np.intp)
    tokens = _check_ids(tokens, vocab_size, "the ids in encoded")
    sentence_ids = np.repeat(np.arange(len(parts)), lengths)
    return tokens, sentence_ids


def _window_pairs(tokens, sentence_ids, window):
    """For each offset 1..window: (left, right) ids of the positions p < q = p + offset that
    lie in the same sentence."""
    for offset in range(1, window + 1):
        same = sentence_ids[:-offset] == sentence_ids[offset:]
        yield offset, tokens[:-offset][same], tokens[offset:][same]


# ---------------------------------------------------------------- counting

def build_vocab(sentences, min_count=1):
    min_count = _check_int(min_count, "min_count", 1)
    counter = Counter()
    for tokens in _check_sentences(sentences):
        counter.update(tokens)
    kept = sorted(((-c, w) for w, c in counter.items() if c >= min_count))
    words = [w for _, w in kept]
    counts = np.array([-c for c, _ in kept], dtype=np.int64)
    return words, counts


def encode(sentences, words):
    words = list(words)
    index = {w: i for i, w in enumerate(words)}
    if len(index) != len(words):
        raise ValueError("words must not contain duplicates")
    return [np.array([index[t] for t in tokens if t in index], dtype=np.int64)
            for tokens in _check_sentences(sentences)]


def cooccurrence_matrix(encoded, vocab_size, window=2, weighting="uniform"):
    vocab_size = _check_int(vocab_size, "vocab_size", 1)
    window = _check_int(window, "window", 1)
    if weighting not in ("uniform", "harmonic"):
        raise ValueError(f'weighting must be "uniform" or "harmonic", got {weighting!r}')
    tokens, sentence_ids = _flatten(encoded, vocab_size)
    V = vocab_size
    # Each pair p < q of one sentence at distance <= window as one flat index w_p * V + w_q into
    # C: np.bincount adds up every repeat in one pass. The ordered pair (q, p) is its transpose:
    # for a small C, add C's transpose; for a large one (a transposed copy of V^2 entries costs
    # more than the pairs), count each pair once more as w_q * V + w_p.
    pairs = [(left, right, 1.0 if weighting == "uniform" else 1.0 / offset)
             for offset, left, right in _window_pairs(tokens, sentence_ids, window)]
    n_pairs = sum(len(left) for left, _, _ in pairs)
    both = V * V > 8 * n_pairs
    codes, weights = [np.zeros(0, np.intp)], [np.zeros(0)]
    for left, right, weight in pairs:
        codes += [left * V + right] + ([right * V + left] if both else [])
        weights.append(np.full((1 + both) * len(left), weight))
    C = np.bincount(np.concatenate(codes), np.concatenate(weights), minlength=V * V).reshape(V, V)
    return C if both else C + C.T


# ---------------------------------------------------------------- PPMI and SVD

def ppmi(C, alpha=0.75, shift=1.0):
    C = np.asarray(C, dtype=np.float64)
    if C.ndim != 2:
        raise ValueError(f"C must be a 2-D count matrix, got shape {C.shape}")
    if not np.isfinite(C).all() or (C < 0).any():
        raise ValueError("C must hold finite counts >= 0")
    if not alpha > 0:
        raise ValueError(f"alpha must be > 0, got {alpha!r}")
    if not shift > 0:
        raise ValueError(f"shift must be > 0 (its log is subtracted), got {shift!r}")
    out = np.zeros(C.shape)
    w, c = np.nonzero(C)  # log only where C > 0: there P(w) > 0 and P_alpha(c) > 0 too
    if len(w) == 0:
        return out
    counts = C[w, c]
    counts = counts / counts.max()  # PMI does not change with the scale of C; this keeps every sum finite
    # Every sum needs the nonzero entries only: row and column sums by np.bincount over them.
    rows = np.bincount(w, counts, minlength=C.shape[0])
    cols = np.bincount(c, counts, minlength=C.shape[1])
    smoothed = cols ** alpha
    p_context = smoothed / smoothed.sum()
    # log(P(w,c) / (P(w) P_alpha(c))) with P(w,c) = C / N and P(w) = rows / N: N cancels
    pmi = np.log(counts) - np.log(rows[w]) - np.log(p_context[c])
    out[w, c] = np.maximum(pmi - np.log(shift), 0.0)
    return out


def _truncated_svd(M, dim):
    """(U, S): the top dim left singular vectors and values of M, by a randomized range finder
    with power iterations (Halko, Martinsson & Tropp 2011, algorithms 4.4 and 5.1).

    Q, an orthonormal basis of M @ Omega for a random Omega with dim + _SVD_OVERSAMPLE columns,
    nearly spans M's top left singular vectors; each power iteration Q <- orth(M orth(M^T Q))
    multiplies the weight of singular value s by s^2, so the top ones take over. Then the SVD of
    the small (dim + p, n) matrix Q^T M = Ub S Vt gives U = Q Ub. Cost: 2 (1 + iterations)
    products of M with a thin matrix, against O(V^3) for a full decomposition."""
    A = M.astype(np.float32)  # float32 products run twice as fast; a few digits is all this needs
    Omega = np.random.default_rng(0).standard_normal((A.shape[1], dim + _SVD_OVERSAMPLE), dtype=np.float32)
    Q = np.linalg.qr(A @ Omega)[0]
    for _ in range(_SVD_POWER_ITERATIONS):  # re-orthonormalized each time, or rounding drowns the small s
        Q = np.linalg.qr(A @ np.linalg.qr(A.T @ Q)[0])[0]
    Ub, S, _ = np.linalg.svd(Q.T @ A, full_matrices=False)
    return (Q @ Ub[:, :dim]).astype(np.float64), S[:dim].astype(np.float64)


def svd_embeddings(M, dim, power=0.5):
    M = np.asarray(M, dtype=np.float64)
    if M.ndim != 2:
        raise ValueError(f"M must be 2-D, got shape {M.shape}")
    if not np.isfinite(M).all():
        raise ValueError("M must hold finite numbers")
    dim = _check_int(dim, "dim", 1)
    if dim > min(M.shape):
        raise ValueError(f"dim must be at most min(M.shape) = {min(M.shape)}, got {dim}")
    if not power >= 0:
        raise ValueError(f"power must be >= 0, got {power!r}")
    if min(M.shape) > _SVD_EXACT_UP_TO and dim + _SVD_OVERSAMPLE <= min(M.shape) // 4:
        U, S = _truncated_svd(M, dim)
    elif M.shape[0] <= M.shape[1]:
        # The left singular pairs of M are the eigenpairs of the symmetric M M^T (eigenvalues S^2):
        # one product and eigh are several times faster than a full SVD of a (V, V) matrix.
        eigenvalues, vectors = np.linalg.eigh(M @ M.T)
        top = np.argsort(eigenvalues)[::-1][:dim]
        U, S = vectors[:, top], np.sqrt(np.clip(eigenvalues[top], 0.0, None))
    else:
        U, S, _ = np.linalg.svd(M, full_matrices=False)
    U = U[:, :dim]
    # A singular vector's sign is arbitrary; fix it (largest entry positive) so results are reproducible.
    signs = np.sign(U[np.argmax(np.abs(U), axis=0), np.arange(dim)])
    return U * np.where(signs == 0, 1.0, signs) * S[:dim] ** power


# ---------------------------------------------------------------- skip-gram with negative sampling

def _sgns_forward(W_in, W_out, centers, contexts, negatives):
    """One batch, summed over its pairs: (loss_sum, g, targets, v, u).

    targets[i] = [contexts[i], negatives[i, 0], ..., negatives[i, K-1]], v = W_in[centers],
    u = W_out[targets] and g[i, j] = d loss_sum / d (u[i, j] . v[i])."""
    targets = np.concatenate([contexts[:, None], negatives], axis=1)   # (B, 1 + K)
    v = W_in[centers]                                                  # (B, d)
    u = W_out[targets]                                                 # (B, 1 + K, d)
    scores = np.einsum("bjd,bd->bj", u, v)                             # u.v, then every u_k.v
    loss_sum, g = _loss_and_score_grads(scores)
    return loss_sum, g, targets, v, u


def _loss_and_score_grads(scores):
    """(loss_sum, g) for scores of shape (B, 1 + K): column 0 holds each pair's u.v, the others
    its u_k.v; g holds d loss_sum / d score, of the shape of scores."""
    # z measures how wrong a score is: -u.v for the context, +u_k.v for a negative. Each term of
    # the loss is -log sigmoid(-z) = softplus(z) = max(z, 0) + log(1 + exp(-|z|)), whose derivative
    # is sigmoid(z) = 1 / (1 + exp(-z)), computed from the same exp(-|z|) <= 1: never an overflow.
    sign = np.ones(scores.shape[1])
    sign[0] = -1.0
    z = scores * sign
    e = np.exp(-np.abs(z))
    loss_sum = float(np.sum(np.maximum(z, 0.0) + np.log1p(e)))
    sigmoid_z = np.where(z >= 0, 1.0, e) / (1.0 + e)
    return loss_sum, sigmoid_z * sign  # context: sigmoid(u.v) - 1 = -sigmoid(-u.v); negative: sigmoid(u_k.v)


def _scatter_add(table, rows, values):
    """table[rows[i]] += values[i] for every i, in place, repeated rows accumulating.

    np.add.at(table, rows, values) says the same; adding into the flat table with one
    index per entry is several times faster."""
    d = table.shape[1]
    flat = (rows.reshape(-1, 1) * d + np.arange(d)).reshape(-1)
    np.add.at(table.reshape(-1), flat, values.reshape(-1))


def _apply_gradient(W_in, W_out, centers, g, targets, v, u):
    """Add to W_in and W_out, in place, the gradient whose score derivatives are g."""
    _scatter_add(W_in, centers, np.einsum("bj,bjd->bd", g, u))        # d/dv   = sum_j g_j u_j
    _scatter_add(W_out, targets, g[:, :, None] * v[:, None, :])       # d/du_j = g_j v


def _check_tables(W_in, W_out):
    W_in = np.asarray(W_in, dtype=np.float64)
    W_out = np.asarray(W_out, dtype=np.float64)
    if W_in.ndim != 2 or W_out.ndim != 2 or W_in.shape[1] != W_out.shape[1]:
        raise ValueError(f"W_in and W_out must be 2-D with the same number of columns, "
                         f"got shapes {W_in.shape} and {W_out.shape}")
    return W_in, W_out


def sgns_loss_and_grads(W_in, W_out, centers, contexts, negatives):
    W_in, W_out = _check_tables(W_in, W_out)
    centers = _check_ids(centers, W_in.shape[0], "centers")
    contexts = _check_ids(contexts, W_out.shape[0], "contexts")
    negatives = _check_ids(negatives, W_out.shape[0], "negatives")
    if centers.ndim != 1 or centers.size == 0 or contexts.shape != centers.shape:
        raise ValueError(f"centers and contexts must be 1-D of the same length B >= 1, "
                         f"got shapes {centers.shape} and {contexts.shape}")
    if negatives.ndim != 2 or negatives.shape[0] != centers.shape[0]:
        raise ValueError(f"negatives must have shape (B, K) = ({centers.shape[0]}, K), got {negatives.shape}")
    B = len(centers)
    loss_sum, g, targets, v, u = _sgns_forward(W_in, W_out, centers, contexts, negatives)
    dW_in, dW_out = np.zeros(W_in.shape), np.zeros(W_out.shape)
    _apply_gradient(dW_in, dW_out, centers, g / B, targets, v, u)    # the loss is a mean over the batch
    return loss_sum / B, dW_in, dW_out


def _training_pairs(tokens, sentence_ids, window):
    """(centers, contexts): every ordered pair of positions p != q of one sentence with
    |p - q| <= window, the same pairs cooccurrence_matrix counts."""
    centers, contexts = [], []
    for _, left, right in _window_pairs(tokens, sentence_ids, window):
        centers += [left, right]
        contexts += [right, left]
    return np.concatenate(centers), np.concatenate(contexts)


def _spans(tokens, sentence_ids, window, length, pad):
    """The corpus laid end to end and cut into spans of `length` positions, and for each span:

        inputs   (n, length + 2 window) the ids at its positions and `window` more on either side
        contexts (n, length)            the ids at its positions
        pairs    (n, length + 2 window, length) bool: pairs[s, i, j] when input i and context j
                                        are two positions of one sentence at most `window` apart

    pad fills the ids before the first and after the last position (they pair with nothing).
    Over all spans, the (inputs[s, i], contexts[s, j]) with pairs[s, i, j] are the training
    pairs, each ordered pair of positions exactly once: at the span of its context."""
    n = -(-len(tokens) // length)
    ids = np.full(n * length + 2 * window, pad)
    ids[window:window + len(tokens)] = tokens
    sentence = np.full(len(ids), -1)
    sentence[window:window + len(tokens)] = sentence_ids
    starts = np.arange(n)[:, None] * length
    at_input = starts + np.arange(length + 2 * window)
    at_context = starts + window + np.arange(length)
    distance = np.abs(np.arange(length + 2 * window)[:, None] - window - np.arange(length))
    near = (distance >= 1) & (distance <= window)
    same = sentence[at_input][:, :, None] == sentence[at_context][:, None, :]
    pairs = near & same & (sentence[at_context] >= 0)[:, None, :]
    return ids[at_input], ids[at_context], pairs


def _softplus_sum(x, weights, work):
    """(rest, terms): sum(weights * softplus(x)) = rest + terms * log 2, for float32 x, in float64;
    x is overwritten, work is a buffer of its shape.

    softplus(x) = log(1 + e^x) = max(x, 0) + log 2 + log((1 + e^-|x|) / 2): the log 2 of every
    term is counted apart, exactly, the rest (at most log 2 in size) is computed in float32."""
    np.abs(x, out=work)
    np.negative(work, out=work)
    np.exp(work, out=work)
    work += 1.0
    work *= 0.5
    np.log(work, out=work)
    np.maximum(x, 0.0, out=x)
    work += x
    work *= weights
    return float(work.sum(dtype=np.float64)), float(weights.sum(dtype=np.float64))


def train_sgns(encoded, vocab_size, dim=50, window=2, negatives=5, epochs=5, lr=0.025, seed=0):
    vocab_size = _check_int(vocab_size, "vocab_size", 1)
    dim = _check_int(dim, "dim", 1)
    window = _check_int(window, "window", 1)
    K = _check_int(negatives, "negatives", 1)
    epochs = _check_int(epochs, "epochs", 1)
    seed = _check_int(seed, "seed", 0)
    if not (isinstance(lr, (int, float, np.integer, np.floating)) and np.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be a finite number > 0, got {lr!r}")
    tokens, sentence_ids = _flatten(encoded, vocab_size)
    V, d, w = vocab_size, dim, window
    # One table for both: rows 0..V-1 are W_in, V..2V-1 are W_out, row 2V is padding (all its
    # weights are 0, so it stays zero).
    # float32, as in word2vec: half the memory to move on every gather and scatter, and precision
    # to spare for SGD; the losses are summed in float64.
    pad = 2 * V
    # A minibatch is a span of L consecutive positions with every pair whose context lies in it
    # (about _BATCH pairs); each group of Q consecutive positions of the span (about _NOISE_GROUP
    # pairs) shares one draw of K noise words. Its pairs and rows form one small dense block:
    #   inputs   Vin = W_in[the L + 2 window positions around the span]      (L + 2w, d)
    #   outputs  T   = W_out[the L contexts, then G * K noise words]          (L + G K, d)
    #   scores   Vin @ T.T                                                    (L + 2w, L + G K)
    # weighted by how many pairs need each score: 1 for an input and a context in its window,
    # for input i and a noise word of group g the number of pairs of i with a context of g.
    Q = max(1, _NOISE_GROUP // (2 * w))
    G = max(1, round(_BATCH / (2 * w * Q)))
    L, n_in, n_out = Q * G, Q * G + 2 * w, Q * G + G * K
    inputs, contexts, pairs = _spans(tokens, sentence_ids, w, L, pad)
    n_pairs = int(pairs.sum())
    if n_pairs == 0:
        raise ValueError("encoded has no training pairs: every sentence has fewer than 2 tokens")
    span_ids = np.concatenate([inputs, np.where(contexts == pad, pad, contexts + V)], axis=1)
    per_group = pairs.reshape(len(pairs), n_in, G, Q).sum(axis=3, dtype=np.uint16)  # <= 2w each
    sign = np.r_[np.ones(L), -np.ones(G * K)].astype(np.float32)   # +1: a real context, -1: noise

    rng = np.random.default_rng(seed)
    noise = np.bincount(tokens, minlength=V) ** 0.75  # unigram counts ** 0.75
    noise_cdf = np.cumsum(noise)                       # sampled by inverting the cdf
    last_word = np.flatnonzero(noise)[-1]
    width = d + d % 2                    # an even row width, for the complex64 view below
    W = np.zeros((2 * V + 1, width), dtype=np.float32)
    W[:V, :d] = (rng.random((V, d)) - 0.5) / d
    # The scatter: np.add.at pays per index, so it adds into the table viewed as complex64, one
    # index per two float32 (complex addition adds both parts); slots[r]: row r's flat indices.
    half = width // 2
    flat = W.view(np.complex64).reshape(-1)
    slots = np.arange(2 * V + 1)[:, None] * half + np.arange(half)

    n_spans = len(pairs)
    ids = np.empty((_CHUNK, n_in + n_out), dtype=np.intp)      # the rows of W each span reads
    scores = np.empty((_CHUNK, n_in, n_out), dtype=np.float32)
    weights, work = np.empty_like(scores), np.empty_like(scores)
    step = np.empty((n_in, n_out), dtype=np.float32)
    delta = np.empty((n_in + n_out, width), dtype=np.float32)
    delta_flat = delta.view(np.complex64).reshape(-1)

    losses, seen, total = [], 0, epochs * n_pairs
    for _ in range(epochs):
        order = rng.permutation(n_spans)
        negs = np.searchsorted(noise_cdf, rng.random((n_spans, G * K)) * noise_cdf[-1], side="right")
        negs = np.minimum(negs, last_word) + V  # in case rounding lands a draw on the cdf's end
        rest, terms = 0.0, 0.0
        for first in range(0, n_spans, _CHUNK):
            chunk = order[first:first + _CHUNK]
            nb = len(chunk)
            ids[:nb, :n_in + L] = span_ids[chunk]
            ids[:nb, n_in + L:] = negs[first:first + nb]
            weights[:nb, :, :L] = pairs[chunk]
            weights[:nb, :, L:].reshape(nb, n_in, G, K)[...] = per_group[chunk][..., None]
            counts = pairs[chunk].reshape(nb, -1).sum(axis=1)   # pairs per span
            # lr is a step per pair, as in word2vec (the gradient of the minibatch's SUM of pair
            # losses), decaying linearly with the pairs seen; -lr/2 folds sigmoid's 1/2 in.
            seen_before = seen + np.cumsum(counts) - counts
            rates = -0.5 * lr * np.maximum(1.0 - seen_before / total, _MIN_LR_FRACTION)
            seen += int(counts.sum())
            for b in range(nb):
                X = W.take(ids[b], axis=0)                # every row this minibatch reads
                Vin, T = X[:n_in], X[n_in:]
                np.matmul(Vin, T.T, out=scores[b])
                # d loss / d score is sigmoid(s) - 1 for a context, sigmoid(s) for noise; with
                # sigmoid(s) = (1 + tanh(s / 2)) / 2, minus lr times it is -lr/2 (tanh(s/2) - sign)
                np.multiply(scores[b], 0.5, out=step)
                np.tanh(step, out=step)
                step -= sign
                step *= weights[b]
                step *= rates[b]
                np.matmul(step, T, out=delta[:n_in])       # onto each input: sum_j step_ij u_j
                np.matmul(step.T, Vin, out=delta[n_in:])   # onto each output: sum_i step_ij v_i
                np.add.at(flat, slots.take(ids[b], axis=0).reshape(-1), delta_flat)  # repeats add up
            # loss terms, from the scores before each step: softplus(-s) for a context, softplus(s)
            # for noise
            np.multiply(scores[:nb], -sign, out=scores[:nb])
            chunk_rest, chunk_terms = _softplus_sum(scores[:nb], weights[:nb], work[:nb])
            rest, terms = rest + chunk_rest, terms + chunk_terms
        losses.append(rest / n_pairs + terms / n_pairs * np.log(2.0))  # (1 + K) log 2 while W_out = 0
    return W[:V, :d].astype(np.float64), np.array(losses)
