"""Variants of kata 2 that the hidden suite must judge right: WRONG, SLOW and CORRECT.

Each is appended to solutions/similarity.py, so its definitions replace the reference's. What
each group holds and must do is written once, in tests/self/conftest.py (load_variants).
"""

WRONG = {
    "normalize_divides_zero_rows": (
        "normalize divides every row by its norm: a zero row becomes 0/0 = NaN",
        """
def normalize(X, eps=1e-12):
    X = _as_matrix(X, "X")
    with np.errstate(invalid="ignore", divide="ignore"):
        return X / _row_norms(X)
""", ("test_normalize_zero_row_gives_zeros",)),
    "normalize_adds_eps": (
        "normalize divides by norm + eps instead of zeroing the rows shorter than eps",
        """
def normalize(X, eps=1e-12):
    X = _as_matrix(X, "X")
    return X / (_row_norms(X) + eps)
""", ("test_normalize_uses_eps_as_a_threshold",)),
    "normalize_clamps_the_norm": (
        "normalize divides by max(norm, eps): a row shorter than eps is scaled up, not zeroed",
        """
def normalize(X, eps=1e-12):
    X = _as_matrix(X, "X")
    return X / np.maximum(_row_norms(X), eps)
""", ("test_normalize_uses_eps_as_a_threshold",)),
    "normalize_squares_huge_entries": (
        "normalize takes np.linalg.norm of the raw rows: (3e200)**2 overflows and the row becomes zeros",
        """
def normalize(X, eps=1e-12):
    X = _as_matrix(X, "X")
    with np.errstate(over="ignore"):
        norms = np.linalg.norm(X, axis=1, keepdims=True)
    keep = norms >= eps
    return np.where(keep, X / np.where(keep, norms, 1.0), 0.0)
""", ("test_normalize_survives_huge_entries",)),
    "normalize_in_place": (
        "normalize divides the caller's float64 array in place (np.asarray does not copy)",
        """
def normalize(X, eps=1e-12):
    X = _as_matrix(X, "X")
    norms = _row_norms(X)
    X /= np.where(norms >= eps, norms, np.inf)
    return X
""", ("test_inputs_are_left_unchanged",)),
    "cosine_not_clipped": (
        "cosine_similarity returns Xn @ Yn.T as is: duplicate rows give 1.0000000000000002",
        """
def cosine_similarity(X, Y=None):
    X, Y = _pair(X, Y)
    Xn = normalize(X)
    return Xn @ (Xn if Y is None else normalize(Y)).T
""", ("test_cosine_similarity_is_clipped",)),
    "sq_euclidean_raw_expansion": (
        "sq_euclidean is ||x||^2 + ||y||^2 - 2 x.y with no clipping and no zero diagonal",
        """
def sq_euclidean(X, Y=None):
    X, Y = _pair(X, Y)
    Y = X if Y is None else Y
    return _sq_norms(X)[:, None] + _sq_norms(Y)[None, :] - 2.0 * X @ Y.T
""", ("test_sq_euclidean_diagonal_is_exactly_zero", "test_sq_euclidean_is_never_negative")),
    "sq_euclidean_diagonal_noise": (
        "sq_euclidean clips at 0 but leaves rounding noise on the diagonal",
        """
def sq_euclidean(X, Y=None):
    X, Y = _pair(X, Y)
    Y = X if Y is None else Y
    return np.maximum(_sq_norms(X)[:, None] + _sq_norms(Y)[None, :] - 2.0 * X @ Y.T, 0.0)
""", ("test_sq_euclidean_diagonal_is_exactly_zero",)),
    "sq_euclidean_unclipped_off_diagonal": (
        "sq_euclidean zeroes the diagonal but never clips, so X against a copy of X goes negative",
        """
def sq_euclidean(X, Y=None):
    X, Y = _pair(X, Y)
    Z = X if Y is None else Y
    D = _sq_norms(X)[:, None] + _sq_norms(Z)[None, :] - 2.0 * X @ Z.T
    if Y is None:
        np.fill_diagonal(D, 0.0)
    return D
""", ("test_sq_euclidean_is_never_negative",)),
    "top_k_ties_to_higher_index": (
        "top_k sorts ascending with a stable sort and reverses: equal scores come out highest index first",
        """
def _best_k(scores, k, allowed=None):
    if allowed is not None:
        scores = np.where(allowed, scores, -np.inf)
    return np.argsort(scores, axis=1, kind="stable")[:, ::-1][:, :k]
""", ("test_top_k_breaks_ties_toward_the_lower_index",)),
    "top_k_quicksort": (
        "top_k uses np.argsort's default quicksort, which does not keep equal scores in index order",
        """
def _best_k(scores, k, allowed=None):
    if allowed is not None:
        scores = np.where(allowed, scores, -np.inf)
    return np.argsort(-scores, axis=1)[:, :k]
""", ("test_top_k_breaks_ties_toward_the_lower_index",)),
    "top_k_argpartition_boundary_ties": (
        "top_k sorts the k entries np.argpartition picks, but ties at the k-th place are picked arbitrarily",
        """
def _best_k(scores, k, allowed=None):
    if allowed is not None:
        scores = np.where(allowed, scores, -np.inf)
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    part = np.sort(part, axis=1)
    order = np.argsort(-np.take_along_axis(scores, part, axis=1), axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1)
""", ("test_top_k_breaks_ties_toward_the_lower_index",)),
    "top_k_best_last": (
        "top_k takes argsort(scores)[:, -k:]: the right keys, worst of them first",
        """
def _best_k(scores, k, allowed=None):
    if allowed is not None:
        scores = np.where(allowed, scores, -np.inf)
    return np.argsort(scores, axis=1, kind="stable")[:, scores.shape[1] - k:]
""", ("test_top_k_cosine_best_first",)),
    "top_k_euclidean_descending": (
        "top_k ranks distances like similarities: the farthest keys come first",
        """
_reference_top_k = top_k


def top_k(queries, keys, k, metric="cosine", exclude=None):
    if metric != "euclidean":
        return _reference_top_k(queries, keys, k, metric, exclude)
    Q, K = _pair(queries, keys, "queries", "keys")
    k = _check_count(k, "k")
    allowed = _allowed(exclude, Q.shape[0], K.shape[0])
    if (K.shape[0] if allowed is None else allowed.sum(axis=1).min()) < k:
        raise ValueError("fewer than k keys remain")
    return _best_k(sq_euclidean(Q, K), k, allowed)
""", ("test_top_k_euclidean_smallest_first",)),
    "top_k_dot_normalizes": (
        "top_k treats 'dot' like 'cosine' and normalizes the vectors",
        """
_reference_top_k = top_k


def top_k(queries, keys, k, metric="cosine", exclude=None):
    return _reference_top_k(queries, keys, k, "cosine" if metric == "dot" else metric, exclude)
""", ("test_top_k_dot_prefers_long_keys",)),
    "top_k_ignores_exclude": (
        "top_k validates exclude but never removes the excluded keys",
        """
_reference_top_k = top_k


def top_k(queries, keys, k, metric="cosine", exclude=None):
    _reference_top_k(queries, keys, k, metric, exclude)  # the checks
    return _reference_top_k(queries, keys, k, metric, None)
""", ("test_top_k_excludes_the_query_itself", "test_top_k_exclude_is_per_query")),
    "top_k_exclude_for_every_query": (
        "top_k removes the union of all exclude lists from every query",
        """
_reference_top_k = top_k


def top_k(queries, keys, k, metric="cosine", exclude=None):
    if exclude is None:
        return _reference_top_k(queries, keys, k, metric, None)
    _reference_top_k(queries, keys, 1, metric, exclude)  # the checks
    union = sorted({int(j) for skip in exclude for j in skip})
    return _reference_top_k(queries, keys, k, metric, [union] * len(exclude))
""", ("test_top_k_exclude_is_per_query",)),
    "top_k_exclude_as_minus_inf_distance": (
        "top_k sorts euclidean distances ascending and marks excluded keys with -inf, so they come first",
        """
_reference_top_k = top_k


def top_k(queries, keys, k, metric="cosine", exclude=None):
    if metric != "euclidean" or exclude is None:
        return _reference_top_k(queries, keys, k, metric, exclude)
    _reference_top_k(queries, keys, k, metric, exclude)  # the checks
    Q, K = _pair(queries, keys, "queries", "keys")
    D = sq_euclidean(Q, K)
    D[~_allowed(exclude, Q.shape[0], K.shape[0])] = -np.inf
    return np.argsort(D, axis=1, kind="stable")[:, :k]
""", ("test_top_k_exclude_is_per_query",)),
    "top_k_no_check_of_remaining_keys": (
        "top_k with exclude never checks that k keys remain and returns excluded keys instead",
        """
def top_k(queries, keys, k, metric="cosine", exclude=None):
    Q, K = _pair(queries, keys, "queries", "keys")
    k = _check_count(k, "k")
    if metric not in _METRICS:
        raise ValueError(f"unknown metric {metric!r}")
    if k > K.shape[0]:
        raise ValueError("k larger than the number of keys")
    allowed = _allowed(exclude, Q.shape[0], K.shape[0])
    scores = {"cosine": cosine_similarity, "dot": lambda a, b: a @ b.T,
              "euclidean": lambda a, b: -sq_euclidean(a, b)}[metric](Q, K)
    if allowed is not None:
        scores = np.where(allowed, scores, -np.inf)
    return _best_k(scores, k)
""", ("test_top_k_rejects_bad_input",)),
    "top_k_exclude_negative_wraps": (
        "top_k lets numpy wrap a negative exclude index around to the last key",
        """
def _allowed(exclude, n_queries, n_keys):
    if exclude is None:
        return None
    if len(exclude) != n_queries:
        raise ValueError("exclude must hold one sequence per query")
    allowed = np.ones((n_queries, n_keys), dtype=bool)
    for i, skip in enumerate(exclude):
        skip = np.asarray(skip, dtype=int)
        if skip.size and skip.max() >= n_keys:
            raise ValueError("exclude index out of range")
        allowed[i, skip] = False
    return allowed
""", ("test_top_k_rejects_bad_input",)),
    "analogy_keeps_a_b_c": (
        "analogy ranks every word, a, b and c included (c or b usually wins)",
        """
def analogy(E, a, b, c, k=1, method="3cosadd", eps=1e-3):
    E = _as_matrix(E, "E")
    a, b, c = (_check_index(i, len(E), n) for i, n in ((a, "a"), (b, "b"), (c, "c")))
    k = _check_count(k, "k")
    if method not in _METHODS or k > len(E) - 3:
        raise ValueError("bad method or k")
    cos = cosine_similarity(E, E[[a, b, c]])
    if method == "3cosadd":
        scores = cos[:, 1] - cos[:, 0] + cos[:, 2]
    else:
        s = (cos + 1.0) / 2.0
        scores = s[:, 1] * s[:, 2] / (s[:, 0] + eps)
    return _best_k(scores[None, :], k)[0]
""", ("test_analogy_never_returns_a_b_or_c",)),
    "analogy_3cosmul_unshifted": (
        "analogy's 3cosmul multiplies and divides the raw cosines, without (cos + 1) / 2",
        """
_reference_analogy = analogy


def analogy(E, a, b, c, k=1, method="3cosadd", eps=1e-3):
    if method != "3cosmul":
        return _reference_analogy(E, a, b, c, k, method, eps)
    _reference_analogy(E, a, b, c, k, method, eps)  # the checks
    E = _as_matrix(E, "E")
    cos = cosine_similarity(E, E[[a, b, c]])
    scores = cos[:, 1] * cos[:, 2] / (cos[:, 0] + eps)
    allowed = np.ones(len(E), dtype=bool)
    allowed[[a, b, c]] = False
    return _best_k(scores[None, :], k, allowed[None, :])[0]
""", ("test_analogy_3cosmul",)),
    "analogy_3cosmul_without_eps": (
        "analogy's 3cosmul divides by cos'(x, a) alone: a word opposite to a gets an infinite score",
        """
_reference_analogy = analogy


def analogy(E, a, b, c, k=1, method="3cosadd", eps=1e-3):
    if method != "3cosmul":
        return _reference_analogy(E, a, b, c, k, method, eps)
    _reference_analogy(E, a, b, c, k, method, eps)  # the checks
    E = _as_matrix(E, "E")
    s = (cosine_similarity(E, E[[a, b, c]]) + 1.0) / 2.0
    with np.errstate(divide="ignore", invalid="ignore"):
        scores = np.nan_to_num(s[:, 1] * s[:, 2] / s[:, 0], nan=0.0, posinf=np.finfo(float).max)
    allowed = np.ones(len(E), dtype=bool)
    allowed[[a, b, c]] = False
    return _best_k(scores[None, :], k, allowed[None, :])[0]
""", ("test_analogy_3cosmul_needs_eps",)),
    "analogy_ignores_eps_argument": (
        "analogy's 3cosmul always uses eps = 1e-3, whatever eps it is given",
        """
_reference_analogy = analogy


def analogy(E, a, b, c, k=1, method="3cosadd", eps=1e-3):
    return _reference_analogy(E, a, b, c, k, method, 1e-3)
""", ("test_analogy_uses_the_eps_argument",)),
    "analogy_cosine_to_the_offset": (
        "analogy's 3cosadd ranks by cos(x, E[b] - E[a] + E[c]), mixing raw vector lengths into the target",
        """
_reference_analogy = analogy


def analogy(E, a, b, c, k=1, method="3cosadd", eps=1e-3):
    if method != "3cosadd":
        return _reference_analogy(E, a, b, c, k, method, eps)
    _reference_analogy(E, a, b, c, k, method, eps)  # the checks
    E = _as_matrix(E, "E")
    scores = cosine_similarity(E, (E[b] - E[a] + E[c])[None, :])[:, 0]
    allowed = np.ones(len(E), dtype=bool)
    allowed[[a, b, c]] = False
    return _best_k(scores[None, :], k, allowed[None, :])[0]
""", ("test_analogy_3cosadd",)),
    "analogy_unnormalized_candidates": (
        "analogy's 3cosadd takes x . (b_n - a_n + c_n) with x not normalized: long words win",
        """
_reference_analogy = analogy


def analogy(E, a, b, c, k=1, method="3cosadd", eps=1e-3):
    if method != "3cosadd":
        return _reference_analogy(E, a, b, c, k, method, eps)
    _reference_analogy(E, a, b, c, k, method, eps)  # the checks
    E = _as_matrix(E, "E")
    n = normalize(E)
    scores = E @ (n[b] - n[a] + n[c])
    allowed = np.ones(len(E), dtype=bool)
    allowed[[a, b, c]] = False
    return _best_k(scores[None, :], k, allowed[None, :])[0]
""", ("test_analogy_3cosadd",)),
    "analogy_best_last": (
        "analogy returns argsort(scores)[-k:]: the k best words, worst of them first",
        """
_reference_analogy = analogy


def analogy(E, a, b, c, k=1, method="3cosadd", eps=1e-3):
    return _reference_analogy(E, a, b, c, k, method, eps)[::-1]
""", ("test_analogy_k_best_first",)),
    "analogy_negative_index_wraps": (
        "analogy lets numpy wrap a negative word index around to the last word",
        """
def _check_index(i, size, name):
    if not -size <= i < size:
        raise ValueError(f"{name} out of range")
    return int(i) % size
""", ("test_analogy_rejects_bad_input",)),
    "normalize_accepts_a_vector": (
        "normalize takes the norm along the last axis, so a 1-D vector passes as if it were one row",
        """
def normalize(X, eps=1e-12):
    X = np.asarray(X, dtype=np.float64)
    norms = np.linalg.norm(X, axis=-1, keepdims=True)
    return np.where(norms >= eps, X / np.where(norms >= eps, norms, 1.0), 0.0)
""", ("test_vectors_are_rejected_where_rows_are_expected",)),
    "normalize_trusts_eps": (
        "normalize never checks eps: with a negative eps no row is 'shorter than eps', and 0 / 0 gives NaN",
        """
def normalize(X, eps=1e-12):
    X = _as_matrix(X, "X")
    norms = _row_norms(X)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(norms < eps, 0.0, X / norms)
""", ("test_normalize_rejects_a_bad_eps",)),
    "analogy_counts_three_exclusions": (
        "analogy checks k against len(E) - 3, so repeated a, b, c (fewer distinct words) raise wrongly",
        """
_reference_analogy = analogy


def analogy(E, a, b, c, k=1, method="3cosadd", eps=1e-3):
    if len(_as_matrix(E, "E")) - 3 < k:
        raise ValueError(f"k={k} but only len(E) - 3 words remain once a, b, c are excluded")
    return _reference_analogy(E, a, b, c, k, method, eps)
""", ("test_analogy_with_repeated_words",)),
}

SLOW = {
    "sq_euclidean_row_loop": (
        "sq_euclidean right, but one Python iteration per row of X (no matrix product)",
        """
def sq_euclidean(X, Y=None):
    X, Y = _pair(X, Y)
    Y = X if Y is None else Y
    D = np.empty((X.shape[0], Y.shape[0]))
    for i, x in enumerate(X):
        D[i] = ((Y - x) ** 2).sum(axis=1)
    return D
"""),
    "sq_euclidean_double_loop": (
        "sq_euclidean right, but one Python iteration per pair of rows",
        """
def sq_euclidean(X, Y=None):
    X, Y = _pair(X, Y)
    Y = X if Y is None else Y
    D = np.empty((X.shape[0], Y.shape[0]))
    for i in range(X.shape[0]):
        for j in range(Y.shape[0]):
            diff = X[i] - Y[j]
            D[i, j] = diff @ diff
    return D
"""),
    "top_k_loop_over_keys": (
        "top_k right, but it scores one (query, key) pair per Python iteration and sorts in Python",
        """
def top_k(queries, keys, k, metric="cosine", exclude=None):
    Q, K = _pair(queries, keys, "queries", "keys")
    k = _check_count(k, "k")
    if metric not in _METRICS:
        raise ValueError(f"unknown metric {metric!r}")
    allowed = _allowed(exclude, Q.shape[0], K.shape[0])
    Qn, Kn = normalize(Q), normalize(K)
    out = []
    for i in range(Q.shape[0]):
        scores = []
        for j in range(K.shape[0]):
            if allowed is not None and not allowed[i, j]:
                continue
            if metric == "cosine":
                s = min(1.0, max(-1.0, float(Qn[i] @ Kn[j])))
            elif metric == "dot":
                s = float(Q[i] @ K[j])
            else:
                diff = Q[i] - K[j]
                s = -float(diff @ diff)
            scores.append((-s, j))
        if len(scores) < k:
            raise ValueError("fewer than k keys remain")
        out.append([j for _, j in sorted(scores)[:k]])
    return np.array(out, dtype=np.intp).reshape(Q.shape[0], k)
"""),
}

CORRECT = {
    "einsum_and_lexsort": (
        "sq_euclidean with np.dot and np.clip; top_k with one full np.lexsort per row "
        "(index as the tie-break) and -inf for excluded keys",
        """
def sq_euclidean(X, Y=None):
    X, Y = _pair(X, Y)
    same = Y is None
    Y = X if same else Y
    xx = np.einsum("id,id->i", X, X)
    yy = np.einsum("jd,jd->j", Y, Y)
    D = np.clip(xx[:, None] - 2.0 * np.dot(X, Y.T) + yy[None, :], 0.0, None)
    if same:
        D[np.arange(len(X)), np.arange(len(X))] = 0.0
    return D


def top_k(queries, keys, k, metric="cosine", exclude=None):
    Q, K = _pair(queries, keys, "queries", "keys")
    k = _check_count(k, "k")
    if metric == "cosine":
        S = cosine_similarity(Q, K)
    elif metric == "dot":
        S = Q @ K.T
    elif metric == "euclidean":
        S = -sq_euclidean(Q, K)
    else:
        raise ValueError(f"unknown metric {metric!r}")
    left = np.full(Q.shape[0], K.shape[0])
    if exclude is not None:
        if len(exclude) != Q.shape[0]:
            raise ValueError("exclude needs one entry per query")
        for i, skip in enumerate(exclude):
            skip = np.unique(np.asarray(skip, dtype=np.int64))
            if skip.size and (skip[0] < 0 or skip[-1] >= K.shape[0]):
                raise ValueError("exclude index out of range")
            S[i, skip] = -np.inf
            left[i] -= skip.size
    if (left < k).any():
        raise ValueError("fewer than k keys remain")
    index = np.broadcast_to(np.arange(K.shape[0]), S.shape)
    return np.lexsort((index, -S), axis=-1)[:, :k]
"""),
    "loops_over_queries_and_words": (
        "top_k with one stable argsort per query; normalize with np.divide(where=); cosine as "
        "x.y / (|x||y|); analogy scoring one word at a time",
        """
def normalize(X, eps=1e-12):
    X = _as_matrix(X, "X")
    if isinstance(eps, bool) or not isinstance(eps, (int, float)) or eps < 0:
        raise ValueError(f"eps must be a number >= 0, got {eps!r}")
    m = np.abs(X).max(axis=1, keepdims=True)
    n = m * np.linalg.norm(np.divide(X, m, out=np.zeros_like(X), where=m > 0), axis=1, keepdims=True)
    return np.divide(X, n, out=np.zeros_like(X), where=(n >= eps) & (n > 0))


def cosine_similarity(X, Y=None):
    X, Y = _pair(X, Y)
    Y = X if Y is None else Y
    nx, ny = _row_norms(X)[:, 0], _row_norms(Y)[:, 0]
    ok_x, ok_y = nx >= 1e-12, ny >= 1e-12
    S = ((X / np.where(ok_x, nx, 1.0)[:, None]) @ (Y / np.where(ok_y, ny, 1.0)[:, None]).T)
    S *= ok_x[:, None] & ok_y[None, :]
    return np.minimum(np.maximum(S, -1.0), 1.0)


def top_k(queries, keys, k, metric="cosine", exclude=None):
    Q, K = _pair(queries, keys, "queries", "keys")
    k = _check_count(k, "k")
    if metric not in ("cosine", "dot", "euclidean"):
        raise ValueError(f"unknown metric {metric!r}")
    allowed = _allowed(exclude, Q.shape[0], K.shape[0])
    Kn = normalize(K)
    out = np.empty((Q.shape[0], k), dtype=np.intp)
    for i in range(Q.shape[0]):
        q = Q[i]
        if metric == "cosine":
            s = np.clip(Kn @ normalize(q[None, :])[0], -1.0, 1.0)
        elif metric == "dot":
            s = K @ q
        else:
            s = -sq_euclidean(q[None, :], K)[0]
        candidates = np.arange(K.shape[0]) if allowed is None else np.flatnonzero(allowed[i])
        if candidates.size < k:
            raise ValueError("fewer than k keys remain")
        order = np.argsort(-s[candidates], kind="stable")
        out[i] = candidates[order[:k]]
    return out


def analogy(E, a, b, c, k=1, method="3cosadd", eps=1e-3):
    E = _as_matrix(E, "E")
    a, b, c = (_check_index(i, len(E), n) for i, n in ((a, "a"), (b, "b"), (c, "c")))
    k = _check_count(k, "k")
    if method not in ("3cosadd", "3cosmul"):
        raise ValueError(f"unknown method {method!r}")
    if isinstance(eps, bool) or not isinstance(eps, (int, float)) or not eps > 0:
        raise ValueError(f"eps must be a number > 0, got {eps!r}")
    words = [x for x in range(len(E)) if x not in (a, b, c)]
    if len(words) < k:
        raise ValueError("fewer than k words remain")
    scores = []
    for x in words:
        ca, cb, cc = cosine_similarity(E[[x]], E[[a, b, c]])[0]
        if method == "3cosadd":
            scores.append(cb - ca + cc)
        else:
            scores.append(((cb + 1) / 2) * ((cc + 1) / 2) / ((ca + 1) / 2 + eps))
    ranked = sorted(range(len(words)), key=lambda t: (-scores[t], words[t]))
    return np.array([words[t] for t in ranked[:k]], dtype=np.intp)
"""),
    "full_stable_argsort": (
        "top_k with one full np.argsort(kind='stable') over all keys; euclidean sorted ascending directly",
        """
def _best_k(scores, k, allowed=None):
    if allowed is not None:
        scores = np.where(allowed, scores, -np.inf)
    return np.argsort(-scores, axis=1, kind="stable")[:, :k]


_reference_top_k = top_k


def top_k(queries, keys, k, metric="cosine", exclude=None):
    if metric != "euclidean":
        return _reference_top_k(queries, keys, k, metric, exclude)
    _reference_top_k(queries, keys, k, metric, exclude)  # the checks
    Q, K = _pair(queries, keys, "queries", "keys")
    D = sq_euclidean(Q, K)
    if exclude is not None:
        D[~_allowed(exclude, Q.shape[0], K.shape[0])] = np.inf
    return np.argsort(D, axis=1, kind="stable")[:, :k]
"""),
    "products_then_norms": (
        "normalize multiplies by 1 / norm; cosine_similarity divides X @ Y.T by the outer product of "
        "the row norms; sq_euclidean centres both sets on the mean of X before expanding; 3cosadd as "
        "one product of the unit rows with b - a + c",
        """
def normalize(X, eps=1e-12):
    X = _as_matrix(X, "X")
    eps = _check_eps(eps, positive=False)
    norms = _row_norms(X)
    keep = (norms >= eps) & (norms > 0)
    return X * np.where(keep, 1.0 / np.where(keep, norms, 1.0), 0.0)


def cosine_similarity(X, Y=None):
    X, Y = _pair(X, Y)
    Y = X if Y is None else Y
    # scale each row by its largest entry first, so that nothing overflows
    sx = np.abs(X).max(axis=1, keepdims=True)
    sy = np.abs(Y).max(axis=1, keepdims=True)
    Xs, Ys = X / np.where(sx > 0, sx, 1.0), Y / np.where(sy > 0, sy, 1.0)
    nx, ny = _row_norms(X)[:, 0], _row_norms(Y)[:, 0]
    nsx, nsy = np.sqrt(_sq_norms(Xs)), np.sqrt(_sq_norms(Ys))
    ok = (nx >= 1e-12)[:, None] & (ny >= 1e-12)[None, :]
    S = (Xs @ Ys.T) / np.where(ok, np.outer(nsx, nsy), 1.0)
    return np.clip(np.where(ok, S, 0.0), -1.0, 1.0)


def sq_euclidean(X, Y=None):
    X, Y = _pair(X, Y)
    same = Y is None
    mu = X.mean(axis=0)
    Xc = X - mu
    Yc = Xc if same else Y - mu  # distances do not change under a shift of both sets
    D = -2.0 * (Xc @ Yc.T) + _sq_norms(Xc)[:, None] + _sq_norms(Yc)[None, :]
    D = np.maximum(D, 0.0)
    if same:
        D[np.diag_indices_from(D)] = 0.0
    return D


_reference_analogy = analogy


def analogy(E, a, b, c, k=1, method="3cosadd", eps=1e-3):
    if method != "3cosadd":
        return _reference_analogy(E, a, b, c, k, method, eps)
    _reference_analogy(E, a, b, c, k, method, eps)  # the checks
    N = normalize(_as_matrix(E, "E"))
    scores = N @ (N[b] - N[a] + N[c])  # cos(x, b) - cos(x, a) + cos(x, c), x a unit row
    scores[[a, b, c]] = -np.inf
    return np.argsort(-scores, kind="stable")[:k]
"""),
    "rankings_without_constants": (
        "top_k drops what every key of a query shares: cosine ranks q . k/|k| (q not normalized), "
        "euclidean ranks 2 q.k - |k|^2 (|q|^2 dropped); 3cosmul compares logs of the scores",
        """
def top_k(queries, keys, k, metric="cosine", exclude=None):
    Q, K = _pair(queries, keys, "queries", "keys")
    k = _check_count(k, "k")
    if not isinstance(metric, str) or metric not in _METRICS:
        raise ValueError(f"unknown metric {metric!r}")
    allowed = _allowed(exclude, Q.shape[0], K.shape[0])
    remaining = K.shape[0] if allowed is None else allowed.sum(axis=1).min(initial=K.shape[0])
    if remaining < k:
        raise ValueError(f"k={k} but only {remaining} keys remain for some query")
    if metric == "cosine":
        scores = Q @ normalize(K).T  # a positive factor 1/|q| per query changes no ranking
    elif metric == "dot":
        scores = Q @ K.T
    else:
        scores = 2.0 * (Q @ K.T) - _sq_norms(K)[None, :]  # -|q - k|^2 + |q|^2
    if allowed is not None:
        scores = np.where(allowed, scores, -np.inf)
    index = np.broadcast_to(np.arange(K.shape[0]), scores.shape)
    return np.lexsort((index, -scores), axis=1)[:, :k]


_reference_analogy = analogy


def analogy(E, a, b, c, k=1, method="3cosadd", eps=1e-3):
    if method != "3cosmul":
        return _reference_analogy(E, a, b, c, k, method, eps)
    _reference_analogy(E, a, b, c, k, method, eps)  # the checks
    E = _as_matrix(E, "E")
    shifted = (cosine_similarity(E, E[[a, b, c]]) + 1.0) / 2.0
    with np.errstate(divide="ignore"):
        scores = np.log(shifted[:, 1]) + np.log(shifted[:, 2]) - np.log(shifted[:, 0] + eps)
    allowed = np.ones(len(E), dtype=bool)
    allowed[[a, b, c]] = False
    return _best_k(scores[None, :], k, allowed[None, :])[0]
"""),
}
