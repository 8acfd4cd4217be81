"""Variants of kata 9 that the hidden suite must judge right: WRONG, SLOW and CORRECT.

Each is appended to solutions/next_word.py, so its definitions replace the reference's. What
each group holds and must do is written once, in tests/self/conftest.py (load_variants).
"""

WRONG = {
    "fancy_index_loses_repeats": (
        "dE[X] += shares: buffered fancy indexing keeps one share per repeated id",
        """
def _scatter_rows(ids, weights, rows, V):
    out = np.zeros((V, rows.shape[1]))
    out[ids] += weights[:, :, None] * rows[:, None, :]
    return out
""",
        ("test_repeated_ids_accumulate", "test_grad_E_matches_finite_differences")),
    "mean_over_the_context_length": (
        "the pooled sum is divided by context (the number of columns), padding counted as words",
        """
def _pool(E, X, pad_id):
    keep = X != pad_id
    weights = (keep / X.shape[1]).astype(E.dtype, copy=False)
    return np.einsum("nj,njd->nd", weights, np.take(E, X, axis=0)), weights
""",
        ("test_forward_pools_the_mean_of_the_words", "test_loss_matches_the_formula")),
    "nan_for_a_row_of_padding": (
        "the pooled sum is divided by the count of words itself: 0 / 0 = NaN for a row of padding only",
        """
def _pool(E, X, pad_id):
    keep = X != pad_id
    with np.errstate(divide="ignore", invalid="ignore"):
        weights = (keep / keep.sum(axis=1, keepdims=True)).astype(E.dtype, copy=False)
    return np.einsum("nj,njd->nd", weights, np.take(E, X, axis=0)), weights
""",
        ("test_forward_all_padding_row_gives_b",)),
    "pad_row_of_E_pooled": (
        "the mean is over every position, row pad_id of E included, divided by the number of real words",
        """
def _pool(E, X, pad_id):
    keep = X != pad_id
    weights = (np.ones(X.shape) / np.maximum(keep.sum(axis=1, keepdims=True), 1)).astype(E.dtype, copy=False)
    return np.einsum("nj,njd->nd", weights, np.take(E, X, axis=0)), weights * keep
""",
        ("test_forward_ignores_the_pad_row_of_E",)),
    "pad_row_zeroed_in_place": (
        "padding made harmless by zeroing row pad_id of the caller's E in place, then a mean over every position",
        """
def _pool(E, X, pad_id):
    E[pad_id] = 0.0                      # E is the caller's own array when it is float64 already
    keep = X != pad_id
    weights = (np.ones(X.shape) / np.maximum(keep.sum(axis=1, keepdims=True), 1)).astype(E.dtype, copy=False)
    return np.einsum("nj,njd->nd", weights, np.take(E, X, axis=0)), weights * keep
""",
        ("test_inputs_are_left_unchanged",)),
    "softmax_without_the_row_max": (
        "exp(logits) without subtracting each row's max: exp(1e4) overflows to inf, inf / inf is NaN",
        """
def _softmax_in_place(Z, y, scale=1.0):
    target = Z[np.arange(len(y)), y]
    with np.errstate(over="ignore", invalid="ignore"):
        np.exp(Z, out=Z)
        sums = Z.sum(axis=1)
        Z *= (scale / sums)[:, None]
        return np.log(sums) - target
""",
        ("test_huge_logits_stay_finite", "test_perplexity_is_stable")),
    "loss_summed_over_rows": (
        "the loss and its gradients are sums over the rows of the batch instead of means",
        """
_reference_loss_and_grads = _loss_and_grads


def _loss_and_grads(E, W, b, X, y, pad_id):
    loss, dE, dW, db = _reference_loss_and_grads(E, W, b, X, y, pad_id)
    N = len(y)
    return loss * N, dE * N, dW * N, db * N
""",
        ("test_loss_is_a_mean_not_a_sum", "test_loss_matches_the_formula")),
    "gradient_of_the_sum": (
        "the loss is the mean over rows, but the gradients are those of the sum (softmax - onehot, not over N)",
        """
_reference_loss_and_grads = _loss_and_grads


def _loss_and_grads(E, W, b, X, y, pad_id):
    loss, dE, dW, db = _reference_loss_and_grads(E, W, b, X, y, pad_id)
    N = len(y)
    return loss, dE * N, dW * N, db * N
""",
        ("test_grad_W_and_b_match_finite_differences", "test_grad_E_matches_finite_differences")),
    "pad_row_gets_a_gradient": (
        "the gradient is shared among every position of a row, padding included, and row pad_id is not zeroed",
        """
def _loss_and_grads(E, W, b, X, y, pad_id):
    N, V = len(y), E.shape[0]
    h, weights = _pool(E, X, pad_id)
    G = h @ W
    G += b
    loss = float(np.mean(_softmax_in_place(G, y)))
    G[np.arange(N), y] -= 1.0
    G /= N
    dW, db, dh = h.T @ G, G.sum(axis=0), G @ W.T
    share = np.broadcast_to(1.0 / np.maximum((X != pad_id).sum(axis=1, keepdims=True), 1), X.shape)
    return loss, _scatter_rows(X, share, dh, V), dW, db
""",
        ("test_grad_of_the_pad_row_is_zero", "test_train_pad_row_never_changes")),
    "windows_cross_sentences": (
        "context_windows slides over the concatenated corpus: a sentence's first words see the end of the one before",
        """
def context_windows(encoded, context, pad_id):
    parts = [np.asarray(s, dtype=np.int64) for s in encoded]
    tokens = np.concatenate(parts) if parts else np.zeros(0, np.int64)
    laid_out = np.concatenate([np.full(context, pad_id, dtype=np.int64), tokens])
    return laid_out[np.arange(len(tokens))[:, None] + np.arange(context)], tokens
""",
        ("test_context_windows_never_cross_sentences",)),
    "padding_on_the_right": (
        "a short history is written first and the padding after it: [w0, pad, pad] instead of [pad, pad, w0]",
        """
_reference_context_windows = context_windows


def context_windows(encoded, context, pad_id):
    X, y = _reference_context_windows(encoded, context, pad_id)
    order = np.argsort(X == pad_id, axis=1, kind="stable")   # the words first, in their order
    return np.take_along_axis(X, order, axis=1), y
""",
        ("test_context_windows_pad_on_the_left",)),
    "first_word_left_out": (
        "context_windows skips the first word of each sentence, which has no word before it",
        """
_reference_context_windows = context_windows


def context_windows(encoded, context, pad_id):
    X, y = _reference_context_windows(encoded, context, pad_id)
    keep = X[:, -1] != pad_id
    return X[keep], y[keep]
""",
        ("test_context_windows_small_case", "test_context_windows_match_the_definition")),
    "newest_word_first": (
        "each window lists the words before t newest first (the word just before t in column 0)",
        """
_reference_context_windows = context_windows


def context_windows(encoded, context, pad_id):
    X, y = _reference_context_windows(encoded, context, pad_id)
    return X[:, ::-1].copy(), y
""",
        ("test_context_windows_small_case", "test_context_windows_pad_on_the_left")),
    "perplexity_as_a_mean_of_exps": (
        "perplexity averages exp(cross-entropy) over the rows instead of taking exp of the mean",
        """
def perplexity(E, W, b, X, y, pad_id):
    E, W, b, X, y, pad_id = _checked(E, W, b, X, y, pad_id)
    h, _ = _pool(E, X, pad_id)
    Z = h @ W + b
    return float(np.mean(np.exp(_softmax_in_place(Z, y))))
""",
        ("test_perplexity_is_exp_of_the_mean_loss",)),
    "losses_after_each_step": (
        "each batch's loss is taken after its step (a second forward pass), not the one its gradient came from",
        """
_reference_step = _loss_and_grads


def train_next_word(encoded, vocab_size, pad_id, dim=32, context=3, epochs=3, lr=0.5,
                    batch_size=256, seed=0):
    X, y = context_windows(encoded, context, pad_id)
    N = len(y)
    rng = np.random.default_rng(seed)
    E = 0.1 * rng.standard_normal((vocab_size, dim))
    E[pad_id] = 0.0
    W, b = np.zeros((dim, vocab_size)), np.zeros(vocab_size)
    losses = np.empty(epochs)
    for epoch in range(epochs):
        order = rng.permutation(N)
        total = 0.0
        for start in range(0, N, batch_size):
            batch = order[start:start + batch_size]
            _, dE, dW, db = _reference_step(E, W, b, X[batch], y[batch], pad_id)
            E -= lr * dE
            W -= lr * dW
            b -= lr * db
            total += _reference_step(E, W, b, X[batch], y[batch], pad_id)[0] * len(batch)
        losses[epoch] = total / N
    return E, W, b, losses
""",
        ("test_train_first_step_from_zeros", "test_train_next_epoch_is_one_sgd_step")),
    "train_steps_uphill": (
        "train_next_word adds the gradients to E, W and b instead of subtracting them",
        """
_reference_train_loss_and_grads = _loss_and_grads


def _loss_and_grads(E, W, b, X, y, pad_id):
    loss, dE, dW, db = _reference_train_loss_and_grads(E, W, b, X, y, pad_id)
    return loss, -dE, -dW, -db


def loss_and_grads(E, W, b, X, y, pad_id):
    return _reference_train_loss_and_grads(*_checked(E, W, b, X, y, pad_id))
""",
        ("test_train_lowers_the_loss",)),
    "train_ignores_the_seed": (
        "train_next_word draws from a fresh unseeded generator: two runs with one seed differ",
        """
_reference_train_next_word = train_next_word


def train_next_word(encoded, vocab_size, pad_id, dim=32, context=3, epochs=3, lr=0.5,
                    batch_size=256, seed=0):
    fresh = int(np.random.default_rng().integers(2 ** 31))
    return _reference_train_next_word(encoded, vocab_size, pad_id, dim, context, epochs, lr, batch_size, fresh)
""",
        ("test_train_is_deterministic_for_a_seed",)),
}

SLOW = {
    "python_loop_per_position": (
        "loss_and_grads right, but the mean and the scatter-add run in Python loops over rows and positions",
        """
def loss_and_grads(E, W, b, X, y, pad_id):
    E, W, b, X, y, pad_id = _checked(E, W, b, X, y, pad_id)
    N, d = len(y), E.shape[1]
    h = np.zeros((N, d))
    words = []
    for i in range(N):
        row = [int(w) for w in X[i] if w != pad_id]
        words.append(row)
        for w in row:
            h[i] += E[w] / len(row)
    Z = h @ W + b
    Z -= Z.max(axis=1, keepdims=True)
    P = np.exp(Z)
    sums = P.sum(axis=1)
    loss = float(np.mean(np.log(sums) - Z[np.arange(N), y]))
    G = P / sums[:, None]
    G[np.arange(N), y] -= 1.0
    G /= N
    dh = G @ W.T
    dE = np.zeros(E.shape)
    for i, row in enumerate(words):
        for w in row:
            dE[w] += dh[i] / len(row)
    return loss, dE, h.T @ G, G.sum(axis=0)
"""),
    "python_loop_per_window": (
        "context_windows right, but one window at a time: a Python list per position, turned into an array",
        """
def context_windows(encoded, context, pad_id):
    context = _integer(context, "context", 1)
    pad_id = _pad(pad_id)
    X, y = [], []
    for i, sentence in enumerate(encoded):
        sentence = _ids(sentence, None, f"sentence {i} of encoded")
        if sentence.ndim != 1:
            raise ValueError(f"sentence {i} of encoded must be 1-D")
        if (sentence == pad_id).any():
            raise ValueError(f"sentence {i} of encoded holds pad_id = {pad_id}")
        words = sentence.tolist()
        for t in range(len(words)):
            before = words[max(0, t - context):t]
            X.append([pad_id] * (context - len(before)) + before)
            y.append(words[t])
    return np.array(X, dtype=np.int64).reshape(-1, context), np.array(y, dtype=np.int64)
"""),
}

CORRECT = {
    "add_at_and_logaddexp": (
        "dE scattered by np.add.at on the (N, context, d) shares; the loss from np.logaddexp.reduce; "
        "no in-place tricks",
        """
def _scatter_rows(ids, weights, rows, V):
    out = np.zeros((V, rows.shape[1]))
    np.add.at(out, ids, weights[:, :, None] * rows[:, None, :])
    return out


def _softmax_in_place(Z, y, scale=1.0):
    lse = np.logaddexp.reduce(Z, axis=1)
    row_losses = lse - Z[np.arange(len(y)), y]
    Z[...] = scale * np.exp(Z - lse[:, None])
    return row_losses
"""),
    "bag_matrix_products": (
        "the mean as a product with the bag matrix A (N, V), A[i, v] = share of word v in row i (kata 1's "
        "one-hot product), so h = A @ E and dE = A.T @ dh; logsumexp as max + log(sum(exp(Z - max)))",
        """
def _bag_matrix(X, pad_id, V):
    N = len(X)
    counts = np.maximum((X != pad_id).sum(axis=1), 1)
    flat = (np.arange(N)[:, None] * V + X).reshape(-1)
    A = np.bincount(flat, minlength=N * V).reshape(N, V).astype(np.float64)
    A[:, pad_id] = 0.0
    return A / counts[:, None]


def forward(E, W, b, X, pad_id):
    E, W, b = _model(E, W, b)
    pad_id = _pad(pad_id, E.shape[0])
    X = _windows(X, E.shape[0])
    return _bag_matrix(X, pad_id, E.shape[0]) @ E @ W + b


def loss_and_grads(E, W, b, X, y, pad_id):
    E, W, b, X, y, pad_id = _checked(E, W, b, X, y, pad_id)
    N, V = len(y), E.shape[0]
    A = _bag_matrix(X, pad_id, V)
    h = A @ E
    Z = h @ W + b
    m = Z.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.sum(np.exp(Z - m), axis=1))
    loss = float(np.mean(lse - Z[np.arange(N), y]))
    G = np.exp(Z - lse[:, None])
    G[np.arange(N), y] -= 1.0
    G /= N
    return loss, A.T @ (G @ W.T), h.T @ G, G.sum(axis=0)
"""),
    "loops_where_no_scale_check_bites": (
        "context_windows sentence by sentence (each one padded and windowed at once), perplexity one row at "
        "a time with math.fsum, and training in float64 with the epoch losses summed by math.fsum",
        """
import math


def context_windows(encoded, context, pad_id):
    context = _integer(context, "context", 1)
    pad_id = _pad(pad_id)
    Xs, ys = [np.zeros((0, context), dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    for i, sentence in enumerate(encoded):
        sentence = _ids(sentence, None, f"sentence {i} of encoded").astype(np.int64)
        if sentence.ndim != 1:
            raise ValueError(f"sentence {i} of encoded must be 1-D")
        if (sentence == pad_id).any():
            raise ValueError(f"sentence {i} of encoded holds pad_id = {pad_id}")
        padded = np.concatenate([np.full(context, pad_id, dtype=np.int64), sentence])
        Xs.append(padded[np.arange(len(sentence))[:, None] + np.arange(context)])
        ys.append(sentence)
    return np.concatenate(Xs), np.concatenate(ys)


def perplexity(E, W, b, X, y, pad_id):
    E, W, b, X, y, pad_id = _checked(E, W, b, X, y, pad_id)
    h, _ = _pool(E, X, pad_id)
    terms = []
    for i in range(len(y)):
        z = h[i] @ W + b
        m = z.max()
        terms.append(m + math.log(float(np.sum(np.exp(z - m)))) - z[y[i]])
    return math.exp(math.fsum(terms) / len(y))


def train_next_word(encoded, vocab_size, pad_id, dim=32, context=3, epochs=3, lr=0.5,
                    batch_size=256, seed=0):
    X, y, vocab_size, pad_id = _training_windows(encoded, vocab_size, pad_id, dim, context, epochs, lr,
                                                 batch_size, seed)
    N = len(y)
    rng = np.random.default_rng(seed)
    E = 0.1 * rng.standard_normal((vocab_size, dim))
    E[pad_id] = 0.0
    W, b = np.zeros((dim, vocab_size)), np.zeros(vocab_size)
    losses = []
    for _ in range(epochs):
        order = rng.permutation(N)
        batch_losses = []
        for start in range(0, N, batch_size):
            batch = order[start:start + batch_size]
            loss, dE, dW, db = _loss_and_grads(E, W, b, X[batch], y[batch], pad_id)
            batch_losses += [loss] * len(batch)
            E = E - lr * dE
            W = W - lr * dW
            b = b - lr * db
        losses.append(math.fsum(batch_losses) / N)
    return E, W, b, np.array(losses)
"""),
}
