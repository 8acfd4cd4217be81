"""Variants of kata 3 that the hidden suite must judge right: WRONG, SLOW and CORRECT.

Each is appended to solutions/cooccurrence.py, so its definitions replace the reference's. What
each group holds and must do is written once, in tests/self/conftest.py (load_variants).
"""

WRONG = {
    "float_seed_accepted": (
        "train_sgns rounds a seed of 0.5 down to 0 instead of refusing it",
        """
_reference_train_sgns = train_sgns


def train_sgns(encoded, vocab_size, dim=50, window=2, negatives=5, epochs=5, lr=0.025, seed=0):
    return _reference_train_sgns(encoded, vocab_size, dim, window, negatives, epochs, lr, int(seed))
""", ("test_train_sgns_rejects_bad_input",)),
    "vocab_ties_in_first_seen_order": (
        "build_vocab uses Counter.most_common, which breaks ties by first occurrence",
        """
def build_vocab(sentences, min_count=1):
    min_count = _check_int(min_count, "min_count", 1)
    counter = Counter()
    for tokens in _check_sentences(sentences):
        counter.update(tokens)
    kept = [(w, c) for w, c in counter.most_common() if c >= min_count]
    return [w for w, _ in kept], np.array([c for _, c in kept], dtype=np.int64)
""",
        ("test_build_vocab_sorts_by_count_then_alphabet",)),
    "vocab_min_count_strict": (
        "build_vocab keeps words with count > min_count instead of >= min_count",
        """
_reference_build_vocab = build_vocab


def build_vocab(sentences, min_count=1):
    return _reference_build_vocab(sentences, min_count + 1)
""",
        ("test_build_vocab_min_count",)),
    "oov_dropped_after_windowing": (
        "encode marks unknown tokens with -1 and the counter skips their pairs after taking windows",
        """
def encode(sentences, words):
    index = {w: i for i, w in enumerate(words)}
    return [np.array([index.get(t, -1) for t in tokens], dtype=np.int64) for tokens in sentences]


def cooccurrence_matrix(encoded, vocab_size, window=2, weighting="uniform"):
    tokens, sentence_ids = [], []
    for i, sentence in enumerate(encoded):
        sentence = np.asarray(sentence, dtype=np.int64)
        tokens.append(sentence)
        sentence_ids.append(np.full(len(sentence), i))
    tokens = np.concatenate(tokens) if tokens else np.zeros(0, np.int64)
    sentence_ids = np.concatenate(sentence_ids) if sentence_ids else np.zeros(0, np.int64)
    C = np.zeros((vocab_size, vocab_size))
    for offset in range(1, window + 1):
        same = sentence_ids[:-offset] == sentence_ids[offset:]
        left, right = tokens[:-offset][same], tokens[offset:][same]
        known = (left >= 0) & (right >= 0)
        weight = 1.0 if weighting == "uniform" else 1.0 / offset
        np.add.at(C, (left[known], right[known]), weight)
        np.add.at(C, (right[known], left[known]), weight)
    return C
""",
        ("test_encode_drops_unknown_tokens_before_windows",)),
    "windows_cross_sentences": (
        "cooccurrence_matrix concatenates the sentences and forgets where each one ends",
        """
def cooccurrence_matrix(encoded, vocab_size, window=2, weighting="uniform"):
    vocab_size = _check_int(vocab_size, "vocab_size", 1)
    window = _check_int(window, "window", 1)
    tokens, _ = _flatten(encoded, vocab_size)
    C = np.zeros((vocab_size, vocab_size))
    for offset in range(1, window + 1):
        weight = 1.0 if weighting == "uniform" else 1.0 / offset
        np.add.at(C, (tokens[:-offset], tokens[offset:]), weight)
        np.add.at(C, (tokens[offset:], tokens[:-offset]), weight)
    return C
""",
        ("test_cooccurrence_windows_never_cross_sentences",)),
    "harmonic_off_by_one": (
        "harmonic weight 1 / (|p - q| + 1): the offset counted from 0",
        """
def cooccurrence_matrix(encoded, vocab_size, window=2, weighting="uniform"):
    vocab_size = _check_int(vocab_size, "vocab_size", 1)
    window = _check_int(window, "window", 1)
    tokens, sentence_ids = _flatten(encoded, vocab_size)
    C = np.zeros((vocab_size, vocab_size))
    for offset, left, right in _window_pairs(tokens, sentence_ids, window):
        weight = 1.0 if weighting == "uniform" else 1.0 / (offset + 1)
        np.add.at(C, (left, right), weight)
        np.add.at(C, (right, left), weight)
    return C
""",
        ("test_cooccurrence_harmonic_small",)),
    "window_edge_excluded": (
        "cooccurrence_matrix uses offsets 1..window-1 (range(1, window))",
        """
def cooccurrence_matrix(encoded, vocab_size, window=2, weighting="uniform"):
    vocab_size = _check_int(vocab_size, "vocab_size", 1)
    window = _check_int(window, "window", 1)
    tokens, sentence_ids = _flatten(encoded, vocab_size)
    C = np.zeros((vocab_size, vocab_size))
    for offset, left, right in _window_pairs(tokens, sentence_ids, window - 1):
        weight = 1.0 if weighting == "uniform" else 1.0 / offset
        np.add.at(C, (left, right), weight)
        np.add.at(C, (right, left), weight)
    return C
""",
        ("test_cooccurrence_window_edge_is_included",)),
    "diagonal_counted_once": (
        "cooccurrence_matrix symmetrizes with A + A.T - diag(A), counting a repeated word's pair once",
        """
_reference_cooccurrence_matrix = cooccurrence_matrix


def cooccurrence_matrix(encoded, vocab_size, window=2, weighting="uniform"):
    C = _reference_cooccurrence_matrix(encoded, vocab_size, window, weighting)
    return C - np.diag(np.diag(C)) / 2
""",
        ("test_cooccurrence_repeated_word_on_the_diagonal",)),
    "ppmi_without_smoothing": (
        "ppmi ignores alpha: the context distribution is not raised to the power 0.75",
        """
_reference_ppmi = ppmi


def ppmi(C, alpha=0.75, shift=1.0):
    return _reference_ppmi(C, 1.0, shift)
""",
        ("test_ppmi_matches_the_formula",)),
    "ppmi_alpha_on_the_word_marginal": (
        "ppmi smooths P(w) (row sums) instead of P(c) (column sums)",
        """
_reference_ppmi = ppmi


def ppmi(C, alpha=0.75, shift=1.0):
    return _reference_ppmi(np.asarray(C, dtype=float).T, alpha, shift).T
""",
        ("test_ppmi_matches_the_formula",)),
    "ppmi_shift_not_logged": (
        "ppmi subtracts shift itself instead of log(shift)",
        """
_reference_ppmi = ppmi


def ppmi(C, alpha=0.75, shift=1.0):
    out = _reference_ppmi(C, alpha, 1.0)
    return np.where(out > 0, np.maximum(out - (shift - 1.0), 0.0), 0.0)
""",
        ("test_ppmi_shift_subtracts_log_k",)),
    "ppmi_nan_for_empty_rows": (
        "ppmi divides by P(w) P(c) everywhere: 0/0 = NaN survives np.maximum in empty rows",
        """
def ppmi(C, alpha=0.75, shift=1.0):
    C = np.asarray(C, dtype=np.float64)
    N = C.sum()
    p_wc = C / N
    p_w = C.sum(axis=1, keepdims=True) / N
    cols = C.sum(axis=0) ** alpha
    p_c = cols / cols.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log(p_wc / (p_w * p_c))
    return np.maximum(pmi - np.log(shift), 0.0)
""",
        ("test_ppmi_takes_no_log_of_zero", "test_ppmi_matches_the_formula")),
    "ppmi_log_of_zero_warns": (
        "ppmi takes np.log of every entry inside np.where: right values, but divide-by-zero warnings",
        """
def ppmi(C, alpha=0.75, shift=1.0):
    C = np.asarray(C, dtype=np.float64)
    N = C.sum()
    rows = np.maximum(C.sum(axis=1, keepdims=True), 1e-300)
    cols = C.sum(axis=0) ** alpha
    p_c = np.maximum(cols / cols.sum(), 1e-300)
    pmi = np.where(C > 0, np.log(C) - np.log(rows) - np.log(p_c), 0.0)
    return np.maximum(pmi - np.log(shift), 0.0)
""",
        ("test_ppmi_takes_no_log_of_zero",)),
    "svd_power_ignored": (
        "svd_embeddings returns U * S, whatever the power",
        """
def svd_embeddings(M, dim, power=0.5):
    U, S, _ = np.linalg.svd(np.asarray(M, dtype=float), full_matrices=False)
    return U[:, :dim] * S[:dim]
""",
        ("test_svd_embeddings_power_scales_the_columns",)),
    "svd_right_singular_vectors": (
        "svd_embeddings takes the rows of Vt (right singular vectors) instead of U",
        """
def svd_embeddings(M, dim, power=0.5):
    _, S, Vt = np.linalg.svd(np.asarray(M, dtype=float), full_matrices=False)
    return Vt[:dim].T * S[:dim] ** power
""",
        ("test_svd_embeddings_uses_left_singular_vectors",)),
    "sgns_scatter_assign_loses_repeats": (
        "dW[ids] += g: buffered fancy indexing keeps one gradient per repeated id",
        """
def sgns_loss_and_grads(W_in, W_out, centers, contexts, negatives):
    W_in, W_out = _check_tables(W_in, W_out)
    centers, contexts, negatives = (np.asarray(a) for a in (centers, contexts, negatives))
    B = len(centers)
    loss_sum, g, targets, v, u = _sgns_forward(W_in, W_out, centers, contexts, negatives)
    g = g / B
    dW_in, dW_out = np.zeros(W_in.shape), np.zeros(W_out.shape)
    dW_in[centers] += np.einsum("bj,bjd->bd", g, u)
    dW_out[targets.reshape(-1)] += (g[:, :, None] * v[:, None, :]).reshape(-1, W_out.shape[1])
    return loss_sum / B, dW_in, dW_out
""",
        ("test_sgns_repeated_ids_accumulate",)),
    "sgns_unstable_log_sigmoid": (
        "loss = -log(1 / (1 + exp(-x))): exp overflows and log(0) gives inf for large |x|",
        """
def _sgns_forward(W_in, W_out, centers, contexts, negatives):
    targets = np.concatenate([contexts[:, None], negatives], axis=1)
    v = W_in[centers]
    u = W_out[targets]
    scores = np.einsum("bjd,bd->bj", u, v)
    sigmoid = 1.0 / (1.0 + np.exp(-scores))
    loss_sum = float(-np.log(sigmoid[:, 0]).sum() - np.log(1.0 - sigmoid[:, 1:]).sum())
    g = sigmoid.copy()
    g[:, 0] -= 1.0
    return loss_sum, g, targets, v, u
""",
        ("test_sgns_is_stable_for_huge_dot_products",)),
    "sgns_loss_summed": (
        "sgns_loss_and_grads sums the loss and gradients over the batch instead of averaging",
        """
_reference_sgns_loss_and_grads = sgns_loss_and_grads


def sgns_loss_and_grads(W_in, W_out, centers, contexts, negatives):
    loss, dW_in, dW_out = _reference_sgns_loss_and_grads(W_in, W_out, centers, contexts, negatives)
    B = len(np.asarray(centers))
    return loss * B, dW_in * B, dW_out * B
""",
        ("test_sgns_loss_matches_the_formula", "test_sgns_grad_W_in_matches_finite_differences")),
    "sgns_negatives_sign_wrong": (
        "negatives scored with -log sigmoid(u_k . v), as if they were real contexts",
        """
def _sgns_forward(W_in, W_out, centers, contexts, negatives):
    targets = np.concatenate([contexts[:, None], negatives], axis=1)
    v = W_in[centers]
    u = W_out[targets]
    scores = np.einsum("bjd,bd->bj", u, v)
    loss_sum = float(np.logaddexp(0.0, -scores).sum())
    g = -np.exp(-np.logaddexp(0.0, scores))        # sigmoid(x) - 1 for every column
    return loss_sum, g, targets, v, u
""",
        ("test_sgns_loss_matches_the_formula", "test_sgns_grad_W_out_matches_finite_differences")),
    "train_ignores_the_seed": (
        "train_sgns draws from a fresh unseeded generator: two runs with one seed differ",
        """
_reference_train_sgns = train_sgns


def train_sgns(encoded, vocab_size, dim=50, window=2, negatives=5, epochs=5, lr=0.025, seed=0):
    fresh = int(np.random.default_rng().integers(2 ** 31))
    return _reference_train_sgns(encoded, vocab_size, dim, window, negatives, epochs, lr, fresh)
""",
        ("test_train_sgns_is_deterministic_for_a_seed",)),
    "train_steps_uphill": (
        "train_sgns adds the gradient to the rows instead of subtracting it",
        """
def train_sgns(encoded, vocab_size, dim=50, window=2, negatives=5, epochs=5, lr=0.025, seed=0):
    tokens, sentence_ids = _flatten(encoded, vocab_size)
    centers, contexts = _training_pairs(tokens, sentence_ids, window)
    n_pairs = len(centers)
    rng = np.random.default_rng(seed)
    noise_cdf = np.cumsum(np.bincount(tokens, minlength=vocab_size) ** 0.75)
    W_in = (rng.random((vocab_size, dim)) - 0.5) / dim
    W_out = np.zeros((vocab_size, dim))
    losses = []
    for _ in range(epochs):
        order = rng.permutation(n_pairs)
        epoch_loss = 0.0
        for start in range(0, n_pairs, _BATCH):
            batch = order[start:start + _BATCH]
            negs = np.searchsorted(noise_cdf, rng.random((len(batch), negatives)) * noise_cdf[-1], side="right")
            negs = np.minimum(negs, vocab_size - 1)
            loss_sum, g, targets, v, u = _sgns_forward(W_in, W_out, centers[batch], contexts[batch], negs)
            _apply_gradient(W_in, W_out, centers[batch], lr * g, targets, v, u)
            epoch_loss += loss_sum
        losses.append(epoch_loss / n_pairs)
    return W_in, np.array(losses)
""",
        ("test_train_sgns_lowers_the_loss",)),
    "sgns_range_check_of_no_negatives": (
        "the id check takes min and max of every id array, which numpy refuses for the (B, 0) negatives of "
        "K = 0",
        """
def _check_ids(ids, size, name):
    ids = np.asarray(ids)
    if ids.dtype == bool or ids.dtype.kind not in "iu":
        raise ValueError(f"{name} must hold integer ids, got dtype {ids.dtype}")
    if ids.min() < 0 or ids.max() >= size:
        raise ValueError(f"{name} must be in 0..{size - 1}")
    return ids.astype(np.intp, copy=False)
""", ("test_sgns_without_negatives",)),
}

SLOW = {
    "python_loop_counter": (
        "cooccurrence_matrix right, but a Python loop over every position and its window",
        """
def cooccurrence_matrix(encoded, vocab_size, window=2, weighting="uniform"):
    vocab_size = _check_int(vocab_size, "vocab_size", 1)
    window = _check_int(window, "window", 1)
    if weighting not in ("uniform", "harmonic"):
        raise ValueError(f'weighting must be "uniform" or "harmonic", got {weighting!r}')
    _flatten(encoded, vocab_size)  # validation only
    C = np.zeros((vocab_size, vocab_size))
    for sentence in encoded:
        ids = [int(t) for t in sentence]
        for p in range(len(ids)):
            for q in range(max(0, p - window), min(len(ids), p + window + 1)):
                if q != p:
                    C[ids[p], ids[q]] += 1.0 if weighting == "uniform" else 1.0 / abs(p - q)
    return C
"""),
    "python_loop_per_pair_sgns": (
        "train_sgns right, but the gradients of each minibatch accumulated one pair at a time",
        """
def train_sgns(encoded, vocab_size, dim=50, window=2, negatives=5, epochs=5, lr=0.025, seed=0):
    vocab_size = _check_int(vocab_size, "vocab_size", 1)
    dim = _check_int(dim, "dim", 1)
    window = _check_int(window, "window", 1)
    K = _check_int(negatives, "negatives", 1)
    epochs = _check_int(epochs, "epochs", 1)
    seed = _check_int(seed, "seed", 0)
    tokens, sentence_ids = _flatten(encoded, vocab_size)
    centers, contexts = _training_pairs(tokens, sentence_ids, window)
    n_pairs = len(centers)
    if n_pairs == 0:
        raise ValueError("encoded has no training pairs")
    rng = np.random.default_rng(seed)
    noise = np.bincount(tokens, minlength=vocab_size) ** 0.75
    noise_cdf = np.cumsum(noise)
    last_word = np.flatnonzero(noise)[-1]
    W_in = (rng.random((vocab_size, dim)) - 0.5) / dim
    W_out = np.zeros((vocab_size, dim))
    labels = np.zeros(K + 1)
    labels[0] = 1.0
    losses, seen, total = [], 0, epochs * n_pairs
    for _ in range(epochs):
        order = rng.permutation(n_pairs)
        epoch_loss = 0.0
        for start in range(0, n_pairs, _BATCH):
            batch = order[start:start + _BATCH]
            negs = np.searchsorted(noise_cdf, rng.random((len(batch), K)) * noise_cdf[-1], side="right")
            negs = np.minimum(negs, last_word)
            step = lr * max(1.0 - seen / total, _MIN_LR_FRACTION)
            dW_in, dW_out = np.zeros(W_in.shape), np.zeros(W_out.shape)
            for i, pair in enumerate(batch):
                center = centers[pair]
                targets = np.concatenate(([contexts[pair]], negs[i]))
                v, u = W_in[center], W_out[targets]
                scores = u @ v
                epoch_loss += np.logaddexp(0.0, np.where(labels == 1.0, -scores, scores)).sum()
                g = np.exp(-np.logaddexp(0.0, -scores)) - labels
                dW_in[center] += g @ u
                np.add.at(dW_out, targets, g[:, None] * v)
            W_in -= step * dW_in
            W_out -= step * dW_out
            seen += len(batch)
        losses.append(epoch_loss / n_pairs)
    return W_in, np.array(losses)
"""),
}

CORRECT = {
    "svd_by_eigh_with_flipped_signs": (
        "svd_embeddings from the eigenvectors of M M^T (ascending, so reversed), signs flipped",
        """
def svd_embeddings(M, dim, power=0.5):
    M = np.asarray(M, dtype=np.float64)
    if M.ndim != 2:
        raise ValueError(f"M must be 2-D, got shape {M.shape}")
    dim = _check_int(dim, "dim", 1)
    if dim > min(M.shape):
        raise ValueError(f"dim must be at most {min(M.shape)}")
    if power < 0:
        raise ValueError("power must be >= 0")
    eigenvalues, vectors = np.linalg.eigh(M @ M.T)
    top = np.argsort(eigenvalues)[::-1][:dim]
    singular = np.sqrt(np.maximum(eigenvalues[top], 0.0))
    return -vectors[:, top] * singular ** power
"""),
    "counter_one_bincount_by_position": (
        "cooccurrence_matrix from each token's distance to the end of its sentence, the pairs of every "
        "offset in one weighted np.bincount",
        """
def cooccurrence_matrix(encoded, vocab_size, window=2, weighting="uniform"):
    vocab_size = _check_int(vocab_size, "vocab_size", 1)
    window = _check_int(window, "window", 1)
    if weighting not in ("uniform", "harmonic"):
        raise ValueError(f'weighting must be "uniform" or "harmonic", got {weighting!r}')
    tokens, sentence_ids = _flatten(encoded, vocab_size)
    tokens = tokens.astype(np.int64)
    ends = np.cumsum(np.bincount(sentence_ids)) if len(tokens) else np.zeros(0, np.int64)
    remaining = ends[sentence_ids] - 1 - np.arange(len(tokens))   # tokens after p in its sentence
    codes, weights = [], []
    for offset in range(1, window + 1):
        p = np.flatnonzero(remaining >= offset)
        codes.append(tokens[p] * vocab_size + tokens[p + offset])
        weights.append(np.full(len(p), 1.0 if weighting == "uniform" else 1.0 / offset))
    upper = np.bincount(np.concatenate(codes), np.concatenate(weights), minlength=vocab_size * vocab_size)
    upper = upper.reshape(vocab_size, vocab_size)
    return upper + upper.T
"""),
    "plain_logaddexp_and_add_at": (
        "sgns_loss_and_grads with np.logaddexp, separate context and negative terms, 2-D np.add.at; "
        "ppmi with np.log(where=...); build_vocab with a sort key",
        """
def sgns_loss_and_grads(W_in, W_out, centers, contexts, negatives):
    W_in, W_out = _check_tables(W_in, W_out)
    centers = _check_ids(centers, W_in.shape[0], "centers")
    contexts = _check_ids(contexts, W_out.shape[0], "contexts")
    negatives = _check_ids(negatives, W_out.shape[0], "negatives")
    if centers.ndim != 1 or centers.size == 0 or contexts.shape != centers.shape:
        raise ValueError("centers and contexts must be 1-D of the same length")
    if negatives.ndim != 2 or negatives.shape[0] != centers.shape[0]:
        raise ValueError("negatives must have shape (B, K)")
    B = len(centers)
    v, u, u_neg = W_in[centers], W_out[contexts], W_out[negatives]
    pos = np.sum(u * v, axis=1)
    neg = np.einsum("bkd,bd->bk", u_neg, v)
    loss = (np.logaddexp(0.0, -pos).sum() + np.logaddexp(0.0, neg).sum()) / B
    g_pos = -np.exp(-np.logaddexp(0.0, pos)) / B      # sigmoid(pos) - 1 = -sigmoid(-pos)
    g_neg = np.exp(-np.logaddexp(0.0, -neg)) / B      # sigmoid(neg)
    dW_in, dW_out = np.zeros(W_in.shape), np.zeros(W_out.shape)
    np.add.at(dW_in, centers, g_pos[:, None] * u + np.einsum("bk,bkd->bd", g_neg, u_neg))
    np.add.at(dW_out, contexts, g_pos[:, None] * v)
    np.add.at(dW_out, negatives.reshape(-1), (g_neg[:, :, None] * v[:, None, :]).reshape(-1, v.shape[1]))
    return float(loss), dW_in, dW_out


def ppmi(C, alpha=0.75, shift=1.0):
    C = np.asarray(C, dtype=np.float64)
    if C.ndim != 2 or (C < 0).any() or not np.isfinite(C).all():
        raise ValueError("C must be a 2-D matrix of finite counts >= 0")
    if alpha <= 0 or shift <= 0:
        raise ValueError("alpha and shift must be > 0")
    N = C.sum()
    if N == 0:
        return np.zeros(C.shape)
    p_w = C.sum(axis=1, keepdims=True) / N
    cols = C.sum(axis=0) ** alpha
    p_c = cols / cols.sum()
    ratio = np.divide(C / N, p_w * p_c, out=np.ones(C.shape), where=C > 0)
    pmi = np.log(ratio)
    return np.where(C > 0, np.maximum(pmi - np.log(shift), 0.0), 0.0)


def build_vocab(sentences, min_count=1):
    min_count = _check_int(min_count, "min_count", 1)
    counter = Counter(t for tokens in _check_sentences(sentences) for t in tokens)
    items = sorted((kv for kv in counter.items() if kv[1] >= min_count), key=lambda kv: (-kv[1], kv[0]))
    return [w for w, _ in items], np.array([c for _, c in items], dtype=np.int64)
"""),
    "train_per_pair_negatives": (
        "train_sgns draws K negatives for every pair, (B, K), and trains float64 tables with the "
        "(B, 1 + K, d) gathers and scatters of sgns_loss_and_grads",
        """
def train_sgns(encoded, vocab_size, dim=50, window=2, negatives=5, epochs=5, lr=0.025, seed=0):
    vocab_size = _check_int(vocab_size, "vocab_size", 1)
    dim = _check_int(dim, "dim", 1)
    window = _check_int(window, "window", 1)
    K = _check_int(negatives, "negatives", 1)
    epochs = _check_int(epochs, "epochs", 1)
    seed = _check_int(seed, "seed", 0)
    if not lr > 0:
        raise ValueError("lr must be > 0")
    tokens, sentence_ids = _flatten(encoded, vocab_size)
    centers, contexts = _training_pairs(tokens, sentence_ids, window)
    n_pairs = len(centers)
    if n_pairs == 0:
        raise ValueError("encoded has no training pairs")
    rng = np.random.default_rng(seed)
    noise = np.bincount(tokens, minlength=vocab_size) ** 0.75
    noise_cdf = np.cumsum(noise)
    last_word = np.flatnonzero(noise)[-1]
    W_in = (rng.random((vocab_size, dim)) - 0.5) / dim
    W_out = np.zeros((vocab_size, dim))
    losses, seen, total = [], 0, epochs * n_pairs
    for _ in range(epochs):
        order = rng.permutation(n_pairs)
        epoch_loss = 0.0
        for start in range(0, n_pairs, 256):
            batch = order[start:start + 256]
            negs = np.searchsorted(noise_cdf, rng.random((len(batch), K)) * noise_cdf[-1], side="right")
            negs = np.minimum(negs, last_word)
            loss_sum, g, targets, v, u = _sgns_forward(W_in, W_out, centers[batch], contexts[batch], negs)
            step = lr * max(1.0 - seen / total, 1e-4)
            _apply_gradient(W_in, W_out, centers[batch], -step * g, targets, v, u)
            epoch_loss += loss_sum
            seen += len(batch)
        losses.append(epoch_loss / n_pairs)
    return W_in, np.array(losses)
"""),
    "svd_direct_with_other_signs": (
        "svd_embeddings from np.linalg.svd of M whatever its shape, each column's sign chosen so that "
        "its first entry is negative",
        """
def svd_embeddings(M, dim, power=0.5):
    M = np.asarray(M, dtype=np.float64)
    if M.ndim != 2:
        raise ValueError(f"M must be 2-D, got shape {M.shape}")
    dim = _check_int(dim, "dim", 1)
    if dim > min(M.shape):
        raise ValueError(f"dim must be at most {min(M.shape)}")
    if power < 0:
        raise ValueError("power must be >= 0")
    U, S, _ = np.linalg.svd(M)
    U = U[:, :dim] * -np.where(U[0, :dim] < 0, -1.0, 1.0)
    return U * S[:dim] ** power
"""),
    "ppmi_from_probabilities": (
        "ppmi from the probabilities themselves, P(w,c) / (P(w) P_alpha(c)) / shift inside one log, "
        "at the entries of np.argwhere(C)",
        """
def ppmi(C, alpha=0.75, shift=1.0):
    C = np.asarray(C, dtype=np.float64)
    if C.ndim != 2 or (C < 0).any() or not np.isfinite(C).all():
        raise ValueError("C must be a 2-D matrix of finite counts >= 0")
    if alpha <= 0 or shift <= 0:
        raise ValueError("alpha and shift must be > 0")
    out = np.zeros(C.shape)
    N = C.sum()
    if N == 0:
        return out
    p_wc = C / N
    p_w = C.sum(axis=1) / N
    smoothed = np.power(C.sum(axis=0), alpha)
    p_c = smoothed / smoothed.sum()
    for w, c in np.argwhere(C > 0):
        out[w, c] = max(np.log(p_wc[w, c] / (p_w[w] * p_c[c]) / shift), 0.0)
    return out
"""),
    "sgns_grads_by_one_hot_products": (
        "sgns_loss_and_grads scatters its gradients with one-hot matrix products instead of np.add.at; "
        "-log sigmoid(x) as log1p(exp(-|x|)) + max(-x, 0), sigmoid(x) as (1 + tanh(x / 2)) / 2",
        """
def sgns_loss_and_grads(W_in, W_out, centers, contexts, negatives):
    W_in, W_out = _check_tables(W_in, W_out)
    centers = _check_ids(centers, W_in.shape[0], "centers")
    contexts = _check_ids(contexts, W_out.shape[0], "contexts")
    negatives = _check_ids(negatives, W_out.shape[0], "negatives")
    if centers.ndim != 1 or centers.size == 0 or contexts.shape != centers.shape:
        raise ValueError("centers and contexts must be 1-D of the same length")
    if negatives.ndim != 2 or negatives.shape[0] != centers.shape[0]:
        raise ValueError("negatives must have shape (B, K)")
    B, K = negatives.shape
    targets = np.column_stack([contexts, negatives])                 # (B, 1 + K)
    labels = np.zeros((B, 1 + K))
    labels[:, 0] = 1.0
    v = W_in[centers]
    u = W_out[targets]
    x = np.where(labels == 1.0, 1.0, -1.0) * np.einsum("bd,bjd->bj", v, u)   # want x large
    loss = np.sum(np.log1p(np.exp(-np.abs(x))) + np.maximum(-x, 0.0)) / B
    sig = 0.5 * (1.0 + np.tanh(x / 2))                               # sigmoid(x), never an overflow
    g = np.where(labels == 1.0, sig - 1.0, 1.0 - sig) / B            # d loss / d (u . v)
    one_in = np.eye(W_in.shape[0])[centers]                          # (B, V_in)
    one_out = np.eye(W_out.shape[0])[targets.reshape(-1)]            # (B (1 + K), V_out)
    dW_in = one_in.T @ np.einsum("bj,bjd->bd", g, u)
    dW_out = one_out.T @ (g[:, :, None] * v[:, None, :]).reshape(-1, v.shape[1])
    return float(loss), dW_in, dW_out
"""),
    "counter_sentence_by_sentence": (
        "cooccurrence_matrix sentence by sentence, the pairs q < p of every offset as codes, counted by "
        "one weighted np.bincount, then the transpose added",
        """
def cooccurrence_matrix(encoded, vocab_size, window=2, weighting="uniform"):
    vocab_size = _check_int(vocab_size, "vocab_size", 1)
    window = _check_int(window, "window", 1)
    if weighting not in ("uniform", "harmonic"):
        raise ValueError(f'weighting must be "uniform" or "harmonic", got {weighting!r}')
    _flatten(encoded, vocab_size)  # validation only
    codes, weights = [np.zeros(0, np.int64)], [np.zeros(0)]
    for sentence in encoded:
        ids = np.asarray(sentence).astype(np.int64)
        for offset in range(window, 0, -1):
            if len(ids) > offset:
                codes.append(ids[offset:] * vocab_size + ids[:-offset])   # later word first
                weights.append(np.full(len(ids) - offset, 1.0 if weighting == "uniform" else 1.0 / offset))
    lower = np.bincount(np.concatenate(codes), np.concatenate(weights), minlength=vocab_size ** 2)
    lower = lower.reshape(vocab_size, vocab_size)
    return lower.T + lower
"""),
}
