"""Variants of kata 7 that the hidden suite must judge right: WRONG, SLOW and CORRECT.

Each is appended to solutions/matryoshka.py, so its definitions replace the reference's. What
each group holds and must do is written once, in tests/self/conftest.py (load_variants).
"""

WRONG = {
    "truncate_without_renormalizing": (
        "truncate returns the first dim columns as they are: the prefix of a unit vector is not a unit vector",
        """
def truncate(Z, dim):
    Z = _matrix(Z, "Z")
    dim = _dim(dim, Z.shape[1], "dim")
    return Z[:, :dim].copy()
""",
        ("test_truncate_renormalizes_the_prefix",)),
    "truncate_normalizes_then_cuts": (
        "truncate normalizes the whole row, then keeps its first dim columns",
        """
def truncate(Z, dim):
    Z = _matrix(Z, "Z")
    dim = _dim(dim, Z.shape[1], "dim")
    unit, _ = _unit_rows(Z)
    return unit[:, :dim]
""",
        ("test_truncate_renormalizes_the_prefix", "test_truncate_of_unit_rows_is_renormalized")),
    "truncate_negative_dim_counts_from_the_end": (
        "truncate only checks dim != 0 and dim <= d, so dim=-1 silently keeps all columns but the last",
        """
def truncate(Z, dim):
    Z = _matrix(Z, "Z")
    if dim == 0 or dim > Z.shape[1]:
        raise ValueError(f"dim must be in 1..{Z.shape[1]}")
    unit, _ = _unit_rows(Z[:, :dim])
    return unit
""",
        ("test_truncate_rejects_bad_dims",)),
    "truncate_overflows_on_huge_entries": (
        "truncate divides by np.sqrt(np.sum(prefix**2)): (1e200)**2 overflows and the row comes out as zeros",
        """
def truncate(Z, dim):
    Z = _matrix(Z, "Z")
    dim = _dim(dim, Z.shape[1], "dim")
    P = Z[:, :dim]
    with np.errstate(over="ignore"):
        norms = np.sqrt(np.sum(P ** 2, axis=1, keepdims=True))
    return np.divide(P, norms, out=np.zeros_like(P), where=norms > 0)
""",
        ("test_truncate_survives_huge_entries",)),
    "loss_on_prefixes_of_unit_rows": (
        "matryoshka_info_nce normalizes the whole rows once and cuts prefixes of those (not re-normalized)",
        """
_reference_matryoshka_info_nce = matryoshka_info_nce


def matryoshka_info_nce(z1, z2, dims, temperature=0.1, weights=None):
    _reference_matryoshka_info_nce(z1, z2, dims, temperature, weights)  # the checks
    z1, z2 = _batch_pair(z1, z2)
    dims = _dims(dims, z1.shape[1])
    weights = _weights(weights, dims)
    B = z1.shape[0]
    n1, r1 = _unit_rows(z1)
    n2, r2 = _unit_rows(z2)
    loss, dn1, dn2 = 0.0, np.zeros_like(z1), np.zeros_like(z2)
    for m, w in zip(dims, weights):
        a, b = n1[:, :m], n2[:, :m]
        S = a @ b.T / temperature
        top = S.max(axis=1, keepdims=True)
        P = np.exp(S - top)
        totals = P.sum(axis=1, keepdims=True)
        loss += w * float(np.mean(top[:, 0] + np.log(totals[:, 0]) - np.diag(S)))
        P = (P / totals - np.eye(B)) / (B * temperature)
        dn1[:, :m] += w * (P @ b)
        dn2[:, :m] += w * (P.T @ a)
    return loss, _normalize_backward(n1, r1, dn1), _normalize_backward(n2, r2, dn2)
""",
        ("test_matryoshka_each_prefix_is_normalized_on_its_own",)),
    "gradient_of_the_largest_prefix_only": (
        "matryoshka_info_nce sums every prefix's loss but returns the gradient of the largest prefix alone",
        """
def matryoshka_info_nce(z1, z2, dims, temperature=0.1, weights=None):
    z1, z2 = _batch_pair(z1, z2)
    dims = _dims(dims, z1.shape[1])
    weights = _weights(weights, dims)
    temperature = _positive(temperature, "temperature")
    loss = 0.0
    dz1, dz2 = np.zeros_like(z1), np.zeros_like(z2)
    for m, w in zip(dims, weights):
        term, g1, g2 = _prefix_term(z1[:, :m], z2[:, :m], temperature)
        loss += w * term
    dz1[:, :m] = w * g1
    dz2[:, :m] = w * g2
    return float(loss), dz1, dz2
""",
        ("test_matryoshka_matches_the_plain_formula_and_finite_differences",)),
    "ignores_weights": (
        "matryoshka_info_nce checks weights but adds every prefix with weight 1",
        """
_reference_matryoshka_info_nce = matryoshka_info_nce


def matryoshka_info_nce(z1, z2, dims, temperature=0.1, weights=None):
    _reference_matryoshka_info_nce(z1, z2, dims, temperature, weights)  # the checks
    return _reference_matryoshka_info_nce(z1, z2, dims, temperature, None)
""",
        ("test_matryoshka_weights_scale_each_term",)),
    "weights_on_the_loss_only": (
        "matryoshka_info_nce weighs each prefix's loss but adds its gradient unweighted",
        """
def matryoshka_info_nce(z1, z2, dims, temperature=0.1, weights=None):
    z1, z2 = _batch_pair(z1, z2)
    dims = _dims(dims, z1.shape[1])
    weights = _weights(weights, dims)
    temperature = _positive(temperature, "temperature")
    loss = 0.0
    dz1, dz2 = np.zeros_like(z1), np.zeros_like(z2)
    for m, w in zip(dims, weights):
        term, g1, g2 = _prefix_term(z1[:, :m], z2[:, :m], temperature)
        loss += w * term
        dz1[:, :m] += g1
        dz2[:, :m] += g2
    return float(loss), dz1, dz2
""",
        ("test_matryoshka_weights_scale_each_term",)),
    "jacobian_of_the_whole_row": (
        "matryoshka_info_nce back-propagates each prefix through the normalization of the whole row, so its "
        "gradient leaks into columns the prefix does not use",
        """
def matryoshka_info_nce(z1, z2, dims, temperature=0.1, weights=None):
    z1, z2 = _batch_pair(z1, z2)
    dims = _dims(dims, z1.shape[1])
    weights = _weights(weights, dims)
    temperature = _positive(temperature, "temperature")
    B, d = z1.shape
    full1, norms1 = _unit_rows(z1)
    full2, norms2 = _unit_rows(z2)
    loss = 0.0
    dz1, dz2 = np.zeros_like(z1), np.zeros_like(z2)
    for m, w in zip(dims, weights):
        n1, _ = _unit_rows(z1[:, :m])
        n2, _ = _unit_rows(z2[:, :m])
        S = n1 @ n2.T / temperature
        top = S.max(axis=1, keepdims=True)
        P = np.exp(S - top)
        totals = P.sum(axis=1, keepdims=True)
        loss += w * float(np.mean(top[:, 0] + np.log(totals[:, 0]) - np.diag(S)))
        P = (P / totals - np.eye(B)) / (B * temperature)
        dn1, dn2 = np.zeros((B, d)), np.zeros((B, d))
        dn1[:, :m], dn2[:, :m] = P @ n2, P.T @ n1
        dz1 += w * _normalize_backward(full1, norms1, dn1)
        dz2 += w * _normalize_backward(full2, norms2, dn2)
    return loss, dz1, dz2
""",
        (
            "test_matryoshka_single_prefix_is_plain_info_nce",
            "test_matryoshka_columns_beyond_the_largest_prefix_get_zero_gradient",
        )),
    "negative_dims_count_from_the_end": (
        "matryoshka_info_nce only checks each size against d, so a size of -1 means 'all columns but the last'",
        """
def _dims(dims, d):
    dims = tuple(int(m) for m in dims)
    if not dims:
        raise ValueError("dims is empty")
    if any(m > d or m == 0 for m in dims) or any(a >= b for a, b in zip(dims, dims[1:])):
        raise ValueError("bad dims")
    return dims
""",
        ("test_matryoshka_rejects_bad_input",)),
    "funnel_reranks_by_the_coarse_score": (
        "funnel_search shortlists by prefix cosine, then orders the shortlist by that same prefix cosine",
        """
def funnel_search(queries, keys, k, coarse_dim, shortlist):
    Q, K = _same_width(queries, keys, "queries", "keys")
    k, shortlist = _integer(k, "k"), _integer(shortlist, "shortlist")
    coarse_dim = _dim(coarse_dim, K.shape[1], "coarse_dim")
    if k < 1 or shortlist < k or shortlist > K.shape[0]:
        raise ValueError("bad k or shortlist")
    coarse_q, _ = _unit_rows(Q[:, :coarse_dim])
    coarse_k, _ = _unit_rows(K[:, :coarse_dim])
    return _best(coarse_q @ coarse_k.T, shortlist)[:, :k]
""",
        ("test_funnel_search_reranks_the_coarse_shortlist",)),
    "funnel_shortlist_by_full_cosine": (
        "funnel_search skips the funnel: it ranks every key by full cosine",
        """
_reference_funnel_search = funnel_search


def funnel_search(queries, keys, k, coarse_dim, shortlist):
    _reference_funnel_search(queries, keys, k, coarse_dim, shortlist)  # the checks
    Q, K = _same_width(queries, keys, "queries", "keys")
    full_q, _ = _unit_rows(Q)
    full_k, _ = _unit_rows(K)
    return _best(full_q @ full_k.T, k)
""",
        ("test_funnel_search_reranks_the_coarse_shortlist",)),
    "funnel_coarse_pass_on_prefixes_of_unit_rows": (
        "funnel_search normalizes the full rows once and scores the first pass with their prefixes, "
        "without re-normalizing them",
        """
def funnel_search(queries, keys, k, coarse_dim, shortlist):
    Q, K = _same_width(queries, keys, "queries", "keys")
    k, shortlist = _integer(k, "k"), _integer(shortlist, "shortlist")
    coarse_dim = _dim(coarse_dim, K.shape[1], "coarse_dim")
    if k < 1 or shortlist < k or shortlist > K.shape[0]:
        raise ValueError("bad k or shortlist")
    full_q, _ = _unit_rows(Q)
    full_k, _ = _unit_rows(K)
    candidates = _best(full_q[:, :coarse_dim] @ full_k[:, :coarse_dim].T, shortlist)
    full = np.einsum("qd,qsd->qs", full_q, full_k[candidates])
    order = np.lexsort((candidates, -full), axis=-1)
    return np.take_along_axis(candidates, order, axis=1)[:, :k]
""",
        ("test_funnel_search_coarse_pass_renormalizes_the_prefixes",)),
    "funnel_final_ties_to_the_higher_index": (
        "funnel_search re-ranks the shortlist with np.argsort(full)[::-1]: equal full cosines come out "
        "highest index first",
        """
def funnel_search(queries, keys, k, coarse_dim, shortlist):
    Q, K = _same_width(queries, keys, "queries", "keys")
    k, shortlist = _integer(k, "k"), _integer(shortlist, "shortlist")
    coarse_dim = _dim(coarse_dim, K.shape[1], "coarse_dim")
    if k < 1 or shortlist < k or shortlist > K.shape[0]:
        raise ValueError("bad k or shortlist")
    coarse_q, _ = _unit_rows(Q[:, :coarse_dim])
    coarse_k, _ = _unit_rows(K[:, :coarse_dim])
    candidates = np.sort(_best(coarse_q @ coarse_k.T, shortlist), axis=1)
    full_q, _ = _unit_rows(Q)
    full_k, _ = _unit_rows(K)
    full = np.einsum("qd,qsd->qs", full_q, full_k[candidates])
    order = np.argsort(full, axis=1, kind="stable")[:, ::-1]
    return np.take_along_axis(candidates, order, axis=1)[:, :k]
""",
        ("test_funnel_search_orders_equal_cosines_by_index",)),
    "funnel_shortlist_ties_to_the_higher_index": (
        "funnel_search takes the shortlist as np.argsort(coarse)[:, ::-1][:, :shortlist]: at the edge of the "
        "shortlist, equal prefix cosines keep the higher index",
        """
def funnel_search(queries, keys, k, coarse_dim, shortlist):
    Q, K = _same_width(queries, keys, "queries", "keys")
    k, shortlist = _integer(k, "k"), _integer(shortlist, "shortlist")
    coarse_dim = _dim(coarse_dim, K.shape[1], "coarse_dim")
    if k < 1 or shortlist < k or shortlist > K.shape[0]:
        raise ValueError("bad k or shortlist")
    coarse_q, _ = _unit_rows(Q[:, :coarse_dim])
    coarse_k, _ = _unit_rows(K[:, :coarse_dim])
    candidates = np.argsort(coarse_q @ coarse_k.T, axis=1, kind="stable")[:, ::-1][:, :shortlist]
    full_q, _ = _unit_rows(Q)
    full_k, _ = _unit_rows(K)
    full = np.einsum("qd,qsd->qs", full_q, full_k[candidates])
    order = np.lexsort((candidates, -full), axis=-1)
    return np.take_along_axis(candidates, order, axis=1)[:, :k]
""",
        ("test_funnel_search_shortlist_ties_keep_the_lower_index",)),
    "funnel_allows_shortlist_below_k": (
        "funnel_search never checks shortlist >= k and returns fewer than k keys",
        """
def funnel_search(queries, keys, k, coarse_dim, shortlist):
    Q, K = _same_width(queries, keys, "queries", "keys")
    coarse_dim = _dim(coarse_dim, K.shape[1], "coarse_dim")
    if k < 1 or shortlist > K.shape[0]:
        raise ValueError("bad k or shortlist")
    coarse_q, _ = _unit_rows(Q[:, :coarse_dim])
    coarse_k, _ = _unit_rows(K[:, :coarse_dim])
    candidates = _best(coarse_q @ coarse_k.T, shortlist)
    full_q, _ = _unit_rows(Q)
    full_k, _ = _unit_rows(K)
    full = np.einsum("qd,qsd->qs", full_q, full_k[candidates])
    order = np.lexsort((candidates, -full), axis=-1)
    return np.take_along_axis(candidates, order, axis=1)[:, :k]
""",
        ("test_funnel_search_rejects_bad_arguments",)),
    "recall_counts_duplicates": (
        "recall_at_k counts every match: a row that holds its target twice counts twice",
        """
def recall_at_k(retrieved, targets):
    retrieved, targets = np.asarray(retrieved), np.asarray(targets)
    if retrieved.ndim != 2 or targets.ndim != 1 or len(targets) != len(retrieved) or len(targets) == 0:
        raise ValueError("retrieved must be (n, k) and targets (n,)")
    return float((retrieved == targets[:, None]).sum() / len(targets))
""",
        ("test_recall_at_k_counts_a_row_once",)),
    "recall_broadcasts_targets": (
        "recall_at_k only checks len(targets) == len(retrieved): targets of shape (n, 1) broadcast silently",
        """
def recall_at_k(retrieved, targets):
    retrieved, targets = np.asarray(retrieved), np.asarray(targets)
    if retrieved.ndim != 2 or len(targets) != len(retrieved) or len(targets) == 0:
        raise ValueError("retrieved must be (n, k) and targets (n,)")
    return float(np.mean((retrieved == targets[:, None]).any(axis=1)))
""",
        ("test_recall_at_k_rejects_bad_shapes",)),
    "zero_prefix_gradient_through_a_clamped_norm": (
        "the backward pass divides by the prefix norms clamped at 1e-12, so a zero prefix gets dn / 1e-12",
        """
def _normalize_backward(n, norms, dn):
    radial = np.einsum("ij,ij->i", n, dn)[:, None]
    return (dn - radial * n) / np.maximum(norms, 1e-12)
""",
        ("test_matryoshka_zero_prefix_gets_zero_gradient",)),
    "funnel_rounds_the_cosines": (
        "funnel_search rounds the cosines to 8 decimals to make ties 'robust', so near-ties go to the lower index",
        """
_exact_best = _best


def _best(scores, k):
    return _exact_best(np.round(scores, 8), k)


def funnel_search(queries, keys, k, coarse_dim, shortlist):
    Q, K = _same_width(queries, keys, "queries", "keys")
    n_keys, d = K.shape
    k, shortlist = _integer(k, "k"), _integer(shortlist, "shortlist")
    coarse_dim = _dim(coarse_dim, d, "coarse_dim")
    if k < 1 or shortlist < k or shortlist > n_keys:
        raise ValueError("need 1 <= k <= shortlist <= the number of keys")
    coarse_q, _ = _unit_rows(Q[:, :coarse_dim])
    coarse_k, _ = _unit_rows(K[:, :coarse_dim])
    candidates = _best(coarse_q @ coarse_k.T, shortlist)
    full_q, _ = _unit_rows(Q)
    picked, _ = _unit_rows(K[candidates.reshape(-1)])
    full = np.round(np.einsum("qsd,qd->qs", picked.reshape(Q.shape[0], shortlist, d), full_q), 8)
    order = np.lexsort((candidates, -full), axis=-1)
    return np.take_along_axis(candidates, order, axis=1)[:, :k]
""",
        ("test_funnel_search_near_ties_are_no_ties",)),
    "recall_compares_float_ids": (
        "recall_at_k compares whatever it is given: float ids such as 2.0 pass as key indices",
        """
def recall_at_k(retrieved, targets):
    retrieved, targets = np.asarray(retrieved), np.asarray(targets)
    if retrieved.ndim != 2 or targets.shape != (retrieved.shape[0],) or retrieved.shape[0] == 0:
        raise ValueError("retrieved must be (n, k) and targets (n,), with n >= 1")
    return float(np.mean((retrieved == targets[:, None]).any(axis=1)))
""",
        ("test_recall_at_k_rejects_ids_that_are_not_integers",)),
}

SLOW = {
    "funnel_loop_over_keys": (
        "funnel_search right, but it scores one (query, key) pair per Python iteration and sorts in Python",
        """
def funnel_search(queries, keys, k, coarse_dim, shortlist):
    Q, K = _same_width(queries, keys, "queries", "keys")
    k, shortlist = _integer(k, "k"), _integer(shortlist, "shortlist")
    coarse_dim = _dim(coarse_dim, K.shape[1], "coarse_dim")
    if k < 1 or shortlist < k or shortlist > K.shape[0]:
        raise ValueError("bad k or shortlist")

    def cosine(a, b):
        na, nb = np.sqrt(a @ a), np.sqrt(b @ b)
        return float(a @ b) / (na * nb) if na > 0 and nb > 0 else 0.0

    out = []
    for q in Q:
        coarse = [(-cosine(q[:coarse_dim], K[j, :coarse_dim]), j) for j in range(K.shape[0])]
        short = [j for _, j in sorted(coarse)[:shortlist]]
        full = sorted((-cosine(q, K[j]), j) for j in short)
        out.append([j for _, j in full[:k]])
    return np.array(out, dtype=np.intp).reshape(Q.shape[0], k)
"""),
}

CORRECT = {
    "masks_and_loops_over_queries": (
        "matryoshka_info_nce on masked full-width copies (columns >= m zeroed) with the gradient masked again; "
        "funnel_search with one full stable argsort per query; recall with a Python loop over rows; truncate "
        "dividing by the largest entry first",
        """
def truncate(Z, dim):
    Z = _matrix(Z, "Z")
    dim = _dim(dim, Z.shape[1], "dim")
    P = Z[:, :dim]
    big = np.abs(P).max(axis=1, keepdims=True)
    scaled = np.divide(P, big, out=np.zeros_like(P), where=big > 0)
    norms = np.linalg.norm(scaled, axis=1, keepdims=True)
    return np.divide(scaled, norms, out=np.zeros_like(P), where=norms > 0)


def matryoshka_info_nce(z1, z2, dims, temperature=0.1, weights=None):
    z1, z2 = _batch_pair(z1, z2)
    B, d = z1.shape
    dims = _dims(dims, d)
    weights = _weights(weights, dims)
    temperature = _positive(temperature, "temperature")
    loss, dz1, dz2 = 0.0, np.zeros((B, d)), np.zeros((B, d))
    for m, w in zip(dims, weights):
        mask = (np.arange(d) < m).astype(float)
        a, b = z1 * mask, z2 * mask  # same direction as the prefix, padded with zeros
        la, lb = np.linalg.norm(a, axis=1), np.linalg.norm(b, axis=1)
        na = a / np.where(la > 0, la, 1.0)[:, None]
        nb = b / np.where(lb > 0, lb, 1.0)[:, None]
        S = na @ nb.T / temperature
        shifted = S - S.max(axis=1)[:, None]
        log_softmax = shifted - np.log(np.exp(shifted).sum(axis=1))[:, None]
        loss += w * -np.mean(np.diag(log_softmax))
        G = (np.exp(log_softmax) - np.eye(B)) / B / temperature
        for z_norm, n, dn, grad in ((la, na, G @ nb, dz1), (lb, nb, G.T @ na, dz2)):
            tangent = dn - (n * dn).sum(axis=1)[:, None] * n
            inverse = np.where(z_norm > 0, 1.0 / np.where(z_norm > 0, z_norm, 1.0), 0.0)
            grad += w * tangent * inverse[:, None] * mask
    return float(loss), dz1, dz2


def funnel_search(queries, keys, k, coarse_dim, shortlist):
    Q, K = _same_width(queries, keys, "queries", "keys")
    k, shortlist = _integer(k, "k"), _integer(shortlist, "shortlist")
    coarse_dim = _dim(coarse_dim, K.shape[1], "coarse_dim")
    if k < 1 or shortlist < k or shortlist > K.shape[0]:
        raise ValueError("need 1 <= k <= shortlist <= number of keys")
    coarse_k = truncate(K, coarse_dim)
    full_k = truncate(K, K.shape[1])
    out = np.empty((Q.shape[0], k), dtype=np.intp)
    for i in range(Q.shape[0]):
        coarse = coarse_k @ truncate(Q[i:i + 1], coarse_dim)[0]
        short = np.sort(np.argsort(-coarse, kind="stable")[:shortlist])  # index order
        full = full_k[short] @ truncate(Q[i:i + 1], Q.shape[1])[0]
        out[i] = short[np.argsort(-full, kind="stable")[:k]]
    return out


def recall_at_k(retrieved, targets):
    retrieved, targets = _key_indices(retrieved, "retrieved"), _key_indices(targets, "targets")
    if retrieved.ndim != 2 or targets.shape != (retrieved.shape[0],) or retrieved.shape[0] == 0:
        raise ValueError("retrieved must be (n, k) and targets (n,), with n >= 1")
    hits = sum(1 for row, t in zip(retrieved.tolist(), targets.tolist()) if t in row)
    return hits / len(targets)
"""),
    "explicit_jacobians_and_pad": (
        "matryoshka_info_nce with the (B, m, m) normalization Jacobians and np.pad; funnel_search with a full "
        "stable argsort of the prefix cosines and np.lexsort of (score, index) on the shortlist; recall with "
        "np.isin per row",
        """
def matryoshka_info_nce(z1, z2, dims, temperature=0.1, weights=None):
    z1, z2 = _batch_pair(z1, z2)
    B, d = z1.shape
    dims = _dims(dims, d)
    weights = _weights(weights, dims)
    temperature = _positive(temperature, "temperature")
    total, dz1, dz2 = 0.0, np.zeros((B, d)), np.zeros((B, d))
    for m, w in zip(dims, weights):
        p1, p2 = z1[:, :m], z2[:, :m]
        n1, r1 = _unit_rows(p1)
        n2, r2 = _unit_rows(p2)
        S = n1 @ n2.T / temperature
        lse = np.array([_lse_row(row) for row in S])
        total += w * float(np.mean(lse - np.diag(S)))
        softmax = np.exp(S - lse[:, None])
        dS = (softmax - np.eye(B)) / B
        dn1, dn2 = dS @ n2 / temperature, dS.T @ n1 / temperature
        for n, r, dn, out in ((n1, r1, dn1, dz1), (n2, r2, dn2, dz2)):
            safe = np.where(r > 0, r, 1.0)[:, :, None]
            J = (np.eye(m)[None] - n[:, :, None] * n[:, None, :]) / safe  # (B, m, m)
            J[r[:, 0] == 0] = 0.0
            out += w * np.pad(np.einsum("bij,bj->bi", J, dn), ((0, 0), (0, d - m)))
    return total, dz1, dz2


def _lse_row(row):
    top = row.max()
    return top + np.log(np.sum(np.exp(row - top)))


def funnel_search(queries, keys, k, coarse_dim, shortlist):
    Q, K = _same_width(queries, keys, "queries", "keys")
    k, shortlist = _integer(k, "k"), _integer(shortlist, "shortlist")
    coarse_dim = _dim(coarse_dim, K.shape[1], "coarse_dim")
    if k < 1:
        raise ValueError("k must be >= 1")
    if shortlist < k or shortlist > K.shape[0]:
        raise ValueError("shortlist must be in k..number of keys")
    coarse = _unit_rows(Q[:, :coarse_dim])[0] @ _unit_rows(K[:, :coarse_dim])[0].T
    short = np.argsort(-coarse, axis=1, kind="stable")[:, :shortlist]
    unit_q = _unit_rows(Q)[0]
    full_short = np.stack([_unit_rows(K[row])[0] @ q for row, q in zip(short, unit_q)])
    order = np.lexsort((short, -full_short), axis=-1)
    return np.take_along_axis(short, order, axis=1)[:, :k]


def recall_at_k(retrieved, targets):
    retrieved, targets = _key_indices(retrieved, "retrieved"), _key_indices(targets, "targets")
    if retrieved.ndim != 2:
        raise ValueError("retrieved must be 2-D")
    if targets.ndim != 1 or len(targets) != len(retrieved):
        raise ValueError("targets must be 1-D, one per row")
    if len(targets) == 0:
        raise ValueError("no rows")
    return float(np.mean([np.isin(t, row) for row, t in zip(retrieved, targets)]))
"""),
    "hypot_distances_and_reversed_sums": (
        "truncate dividing by np.hypot.reduce; matryoshka_info_nce from squared distances of the unit prefixes, "
        "-||a - b||^2 / (2T) (the cosine logits shifted by a constant per row), prefixes summed from the "
        "largest down; funnel_search dividing dot products by the product of the norms, ranked by cosine "
        "distance 1 - cos; recall with one comparison per column",
        """
def _hypot_norms(P):
    return np.hypot.reduce(P, axis=1, keepdims=True) if P.shape[1] > 1 else np.abs(P)


def truncate(Z, dim):
    Z = _matrix(Z, "Z")
    dim = _dim(dim, Z.shape[1], "dim")
    P = Z[:, :dim]
    norms = _hypot_norms(P)
    return np.divide(P, norms, out=np.zeros_like(P), where=norms > 0)


def matryoshka_info_nce(z1, z2, dims, temperature=0.1, weights=None):
    z1, z2 = _batch_pair(z1, z2)
    B, d = z1.shape
    dims = _dims(dims, d)
    weights = _weights(weights, dims)
    temperature = _positive(temperature, "temperature")
    loss, dz1, dz2 = 0.0, np.zeros((B, d)), np.zeros((B, d))
    for m, w in reversed(list(zip(dims, weights))):
        r1, r2 = _hypot_norms(z1[:, :m]), _hypot_norms(z2[:, :m])
        a = np.divide(z1[:, :m], r1, out=np.zeros((B, m)), where=r1 > 0)
        b = np.divide(z2[:, :m], r2, out=np.zeros((B, m)), where=r2 > 0)
        diff = a[:, None, :] - b[None, :, :]                  # (B, B, m)
        S = -np.einsum("ijk,ijk->ij", diff, diff) / (2 * temperature)
        lse = np.logaddexp.reduce(S, axis=1)
        loss += w * np.mean(lse - np.diagonal(S))
        G = (np.exp(S - lse[:, None]) - np.eye(B)) / B       # dL/dS, rows sum to 0
        # dS_ij/da_i = (b_j - a_i) / T and dS_ij/db_j = (a_i - b_j) / T
        da = (G @ b - G.sum(axis=1, keepdims=True) * a) / temperature
        db = (G.T @ a - G.sum(axis=0)[:, None] * b) / temperature
        for z_norm, n, dn, out in ((r1, a, da, dz1), (r2, b, db, dz2)):
            inverse = np.divide(1.0, z_norm, out=np.zeros_like(z_norm), where=z_norm > 0)
            out[:, :m] += w * inverse * (dn - np.sum(dn * n, axis=1, keepdims=True) * n)
    return float(loss), dz1, dz2


def _cosines(A, B):
    # dot products of the rows (each first divided by its largest |entry|) over the product of the norms
    A = A / np.maximum(np.abs(A).max(axis=1, keepdims=True), 1e-300)
    B = B / np.maximum(np.abs(B).max(axis=1, keepdims=True), 1e-300)
    norms = _hypot_norms(A) * _hypot_norms(B).T
    dots = A @ B.T
    return np.divide(dots, norms, out=np.zeros_like(dots), where=norms > 0)


def funnel_search(queries, keys, k, coarse_dim, shortlist):
    Q, K = _same_width(queries, keys, "queries", "keys")
    k, shortlist = _integer(k, "k"), _integer(shortlist, "shortlist")
    coarse_dim = _dim(coarse_dim, K.shape[1], "coarse_dim")
    if k < 1 or shortlist < k or shortlist > K.shape[0]:
        raise ValueError("need 1 <= k <= shortlist <= number of keys")
    distance = 1.0 - _cosines(Q[:, :coarse_dim], K[:, :coarse_dim])   # smallest first
    cut = np.partition(distance, shortlist - 1, axis=1)[:, shortlist - 1:shortlist]
    out = np.empty((Q.shape[0], k), dtype=np.intp)
    for i in range(Q.shape[0]):
        inside = np.flatnonzero(distance[i] <= cut[i])
        inside = inside[np.lexsort((inside, distance[i, inside]))][:shortlist]
        full = 1.0 - _cosines(Q[i:i + 1], K[inside])[0]
        out[i] = inside[np.lexsort((inside, full))][:k]
    return out


def recall_at_k(retrieved, targets):
    retrieved, targets = _key_indices(retrieved, "retrieved"), _key_indices(targets, "targets")
    if retrieved.ndim != 2 or targets.shape != (retrieved.shape[0],) or retrieved.shape[0] == 0:
        raise ValueError("retrieved must be (n, k) and targets (n,), with n >= 1")
    hits = np.zeros(retrieved.shape[0], dtype=bool)
    for column in retrieved.T:
        hits |= column == targets
    return float(np.count_nonzero(hits) / hits.size)
"""),
}
