"""Variants of kata 4 that the hidden suite must judge right: WRONG, SLOW and CORRECT.

Each is appended to solutions/infonce.py, so its definitions replace the reference's. What
each group holds and must do is written once, in tests/self/conftest.py (load_variants).
"""

WRONG = {
    "no_normalization_jacobian": (
        "info_nce_grad returns the gradient with respect to the normalized n as if it were dz",
        """
def _normalize_backward(n, norms, dn):
    return dn
""",
        ("test_info_nce_grad_matches_finite_differences", "test_info_nce_grad_is_orthogonal_to_z")),
    "gradient_misses_temperature": (
        "info_nce_grad forgets the 1/temperature of the logits in the gradient",
        """
_reference_info_nce_grad = info_nce_grad


def info_nce_grad(z1, z2, temperature=0.1, symmetric=False):
    loss, dz1, dz2 = _reference_info_nce_grad(z1, z2, temperature, symmetric)
    return loss, dz1 * temperature, dz2 * temperature
""",
        ("test_info_nce_grad_matches_finite_differences",)),
    "gradient_misses_batch_mean": (
        "info_nce_grad forgets the 1/B of the mean: (softmax - onehot) / temperature",
        """
_reference_info_nce_grad = info_nce_grad


def info_nce_grad(z1, z2, temperature=0.1, symmetric=False):
    loss, dz1, dz2 = _reference_info_nce_grad(z1, z2, temperature, symmetric)
    return loss, dz1 * len(dz1), dz2 * len(dz2)
""",
        ("test_info_nce_grad_matches_finite_differences",)),
    "exp_without_max_shift": (
        "logsumexp and the softmax exponentiate the raw logits: exp(1/temperature) overflows",
        """
def logsumexp(X, axis=-1):
    X = np.asarray(X, dtype=np.float64)
    out = np.log(np.sum(np.exp(X), axis=axis))
    return float(out) if out.ndim == 0 else out


def _softmax_in_place(S, symmetric):
    positives = np.diagonal(S).copy()
    E = np.exp(S)
    row_sums, col_sums = E.sum(axis=1, keepdims=True), E.sum(axis=0, keepdims=True)
    loss = np.mean(np.log(row_sums[:, 0]) - positives)
    W = E / row_sums
    if symmetric:
        loss = (loss + np.mean(np.log(col_sums[0]) - positives)) / 2
        W = W + E / col_sums
    S[...] = W
    return float(loss)
""",
        ("test_logsumexp_huge_values", "test_info_nce_tiny_temperature", "test_info_nce_grad_tiny_temperature")),
    "max_shift_breaks_on_all_minus_inf": (
        "logsumexp subtracts the max even when it is -inf: an all -inf row gives NaN",
        """
def logsumexp(X, axis=-1):
    X = np.asarray(X, dtype=np.float64)
    m = np.max(X, axis=axis, keepdims=True)
    with np.errstate(invalid="ignore"):
        out = np.log(np.sum(np.exp(X - m), axis=axis)) + np.squeeze(m, axis=axis)
    return float(out) if out.ndim == 0 else out
""",
        ("test_logsumexp_all_minus_infinity",)),
    "max_without_keepdims": (
        "logsumexp takes the max without keepdims, so X - m broadcasts against the wrong axis",
        """
def logsumexp(X, axis=-1):
    X = np.asarray(X, dtype=np.float64)
    m = np.max(X, axis=axis)
    out = np.log(np.sum(np.exp(X - m), axis=axis)) + m
    return float(out) if out.ndim == 0 else out
""",
        ("test_logsumexp_along_an_axis",)),
    "symmetric_sums_instead_of_averaging": (
        "symmetric=True adds the row loss and the column loss instead of averaging them",
        """
_reference_info_nce = info_nce
_reference_info_nce_grad = info_nce_grad


def info_nce(z1, z2, temperature=0.1, symmetric=False):
    loss = _reference_info_nce(z1, z2, temperature, symmetric)
    return 2 * loss if symmetric else loss


def info_nce_grad(z1, z2, temperature=0.1, symmetric=False):
    loss, dz1, dz2 = _reference_info_nce_grad(z1, z2, temperature, symmetric)
    return (2 * loss, 2 * dz1, 2 * dz2) if symmetric else (loss, dz1, dz2)
""",
        ("test_info_nce_symmetric", "test_info_nce_grad_matches_finite_differences")),
    "symmetric_gradient_drops_the_transpose_term": (
        "symmetric=True: the loss averages both directions, the gradient keeps only the row softmax's half",
        """
_reference_info_nce_grad = info_nce_grad


def info_nce_grad(z1, z2, temperature=0.1, symmetric=False):
    if not symmetric:
        return _reference_info_nce_grad(z1, z2, temperature)
    _, dz1, dz2 = _reference_info_nce_grad(z1, z2, temperature)
    return info_nce(z1, z2, temperature, True), dz1 / 2, dz2 / 2
""",
        ("test_info_nce_grad_matches_finite_differences",)),
    "softmax_over_columns": (
        "the non-symmetric loss takes the softmax down each column of S instead of along each row",
        """
_reference_info_nce = info_nce
_reference_info_nce_grad = info_nce_grad


def info_nce(z1, z2, temperature=0.1, symmetric=False):
    return _reference_info_nce(z2, z1, temperature, symmetric)


def info_nce_grad(z1, z2, temperature=0.1, symmetric=False):
    loss, dz2, dz1 = _reference_info_nce_grad(z2, z1, temperature, symmetric)
    return loss, dz1, dz2
""",
        ("test_info_nce_hand_case", "test_info_nce_matches_the_plain_formula")),
    "logits_not_normalized": (
        "info_nce uses raw dot products z1 @ z2.T / temperature: no normalization",
        """
def _normalize(z):
    return z, np.ones((z.shape[0], 1))
""",
        ("test_info_nce_ignores_the_lengths", "test_info_nce_huge_norms")),
    "forward_differences": (
        "numerical_gradient uses forward differences (f(x + h) - f(x)) / h",
        """
def numerical_gradient(f, x, h=1e-6):
    x = np.asarray(x)
    work = x.astype(np.float64, copy=True)
    flat = work.reshape(-1)
    grad = np.zeros(flat.size)
    f0 = float(f(work))
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        grad[i] = (float(f(work)) - f0) / h
        flat[i] = old
    return grad.reshape(x.shape)
""",
        ("test_numerical_gradient_is_central",)),
    "numerical_gradient_perturbs_x_in_place": (
        "numerical_gradient perturbs the caller's x by +h, -2h, +h, which leaves rounding errors behind",
        """
def numerical_gradient(f, x, h=1e-6):
    x = np.asarray(x, dtype=np.float64)
    grad = np.zeros_like(x)
    flat, g = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        flat[i] += h
        plus = float(f(x))
        flat[i] -= 2 * h
        minus = float(f(x))
        flat[i] += h
        g[i] = (plus - minus) / (2 * h)
    return grad
""",
        ("test_numerical_gradient_leaves_x_unchanged",)),
    "numerical_gradient_on_integers": (
        "numerical_gradient copies x in its own dtype: an integer x cannot hold x + h",
        """
def numerical_gradient(f, x, h=1e-6):
    work = np.array(x, copy=True)
    grad = np.zeros(work.shape)
    flat, g = work.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        plus = float(f(work))
        flat[i] = old - h
        minus = float(f(work))
        flat[i] = old
        g[i] = (plus - minus) / (2 * h)
    return grad
""",
        ("test_numerical_gradient_integer_x",)),
    "alignment_powers_the_coordinates": (
        "alignment raises each coordinate difference to alpha instead of the distance",
        """
def alignment(z1, z2, alpha=2):
    z1, z2 = _pair(z1, z2)
    alpha = _positive(alpha, "alpha")
    n1, _ = _normalize(z1)
    n2, _ = _normalize(z2)
    return float(np.mean(np.sum(np.abs(n1 - n2) ** alpha, axis=1)))
""",
        ("test_alignment_alpha",)),
    "uniformity_includes_i_equals_j": (
        "uniformity averages over all B * B pairs, the pairs i == j (distance 0) included",
        """
def uniformity(z, t=2):
    z = _batch(z, "z")
    t = _positive(t, "t")
    if len(z) < 2:
        raise ValueError("uniformity needs at least 2 rows")
    n, _ = _normalize(z)
    sq_dist = np.maximum(2.0 - 2.0 * n @ n.T, 0.0)
    return float(logsumexp(-t * sq_dist.reshape(-1)) - np.log(sq_dist.size))
""",
        ("test_uniformity_matches_the_plain_formula", "test_uniformity_antipodal_points")),
    "uniformity_underflows": (
        "uniformity takes log(mean(exp(-t d^2))) directly: -inf once every exp underflows",
        """
def uniformity(z, t=2):
    z = _batch(z, "z")
    t = _positive(t, "t")
    if len(z) < 2:
        raise ValueError("uniformity needs at least 2 rows")
    n, _ = _normalize(z)
    i, j = np.triu_indices(len(n), k=1)
    sq_dist = np.sum((n[i] - n[j]) ** 2, axis=1)
    with np.errstate(divide="ignore"):
        return float(np.log(np.mean(np.exp(-t * sq_dist))))
""",
        ("test_uniformity_large_t",)),
    "triplet_gradient_at_the_hinge": (
        "triplet_loss treats hinge >= 0 as active, so rows exactly at the margin get a gradient",
        """
def triplet_loss(anchor, positive, negative, margin=0.2):
    a, p = _pair(anchor, positive, ("anchor", "positive"))
    _, n = _pair(anchor, negative, ("anchor", "negative"))
    B = a.shape[0]
    hinge = np.sum((a - p) ** 2, axis=1) - np.sum((a - n) ** 2, axis=1) + margin
    active = (hinge >= 0)[:, None] * (2.0 / B)
    return float(np.mean(np.maximum(hinge, 0.0))), (n - p) * active, (p - a) * active, (a - n) * active
""",
        ("test_triplet_loss_exactly_at_the_hinge",)),
    "triplet_gradient_misses_the_mean": (
        "triplet_loss returns the gradients of the sum over rows, not of the mean",
        """
_reference_triplet_loss = triplet_loss


def triplet_loss(anchor, positive, negative, margin=0.2):
    loss, da, dp, dn = _reference_triplet_loss(anchor, positive, negative, margin)
    B = len(da)
    return loss, da * B, dp * B, dn * B
""",
        ("test_triplet_loss_gradients",)),
    "zero_row_gradient_through_a_clamped_norm": (
        "the norms are clamped at 1e-12 in the backward pass too, so a zero row gets dn / 1e-12",
        """
def _normalize(z):
    norms = np.maximum(np.sqrt(np.einsum("ij,ij->i", z, z)), 1e-12)[:, None]
    return z / norms, norms


def _normalize_backward(n, norms, dn):
    radial = np.einsum("ij,ij->i", n, dn)[:, None]
    return (dn - radial * n) / norms
""", ("test_info_nce_grad_of_a_zero_row_is_zero",)),
    "logsumexp_shift_by_an_infinite_max": (
        "logsumexp guards the all -inf slice only: a +inf max is subtracted too, and inf - inf is NaN",
        """
def logsumexp(X, axis=-1):
    X = np.asarray(X, dtype=np.float64)
    m = np.max(X, axis=axis, keepdims=True, initial=-np.inf)
    m = np.where(m == -np.inf, 0.0, m)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.log(np.sum(np.exp(X - m), axis=axis)) + np.squeeze(m, axis=axis)
    return float(out) if out.ndim == 0 else out
""", ("test_logsumexp_plus_infinity",)),
    "logsumexp_max_of_an_empty_axis": (
        "logsumexp takes np.max without initial=, which numpy refuses on an axis of no entries",
        """
def logsumexp(X, axis=-1):
    X = np.asarray(X, dtype=np.float64)
    m = np.max(X, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(np.exp(X - m), axis=axis)) + np.squeeze(m, axis=axis)
    return float(out) if out.ndim == 0 else out
""", ("test_logsumexp_of_an_empty_axis",)),
    "logsumexp_expand_dims_of_the_axis": (
        "logsumexp puts the reduced axis back with np.expand_dims(m, axis), which axis=None cannot do",
        """
def logsumexp(X, axis=-1):
    X = np.asarray(X, dtype=np.float64)
    m = np.max(X, axis=axis, initial=-np.inf)
    m = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(np.exp(X - np.expand_dims(m, axis)), axis=axis)) + m
    return float(out) if out.ndim == 0 else out
""", ("test_logsumexp_axis_none",)),
    "numerical_gradient_trusts_its_arguments": (
        "numerical_gradient checks neither h nor f: h = 0 gives 0 / 0 = NaN, a vector-valued f a TypeError",
        """
def numerical_gradient(f, x, h=1e-6):
    work = np.array(x, dtype=np.float64)
    flat = work.reshape(-1)
    grad = np.zeros(flat.size)
    with np.errstate(invalid="ignore", divide="ignore"):
        for i in range(flat.size):
            old = flat[i]
            flat[i] = old + h
            plus = f(work)
            flat[i] = old - h
            minus = f(work)
            flat[i] = old
            grad[i] = (plus - minus) / (2 * h)
    return grad.reshape(work.shape)
""", ("test_numerical_gradient_rejects_bad_input",)),
    "triplet_accepts_any_margin": (
        "triplet_loss takes float(margin) as it comes: a negative or infinite margin passes",
        """
def triplet_loss(anchor, positive, negative, margin=0.2):
    margin = float(margin)
    a, p = _pair(anchor, positive, ("anchor", "positive"))
    _, n = _pair(anchor, negative, ("anchor", "negative"))
    B = a.shape[0]
    hinge = np.sum((a - p) ** 2, axis=1) - np.sum((a - n) ** 2, axis=1) + margin
    active = (hinge > 0)[:, None]
    return (float(np.mean(np.maximum(hinge, 0.0))), np.where(active, 2.0 / B * (n - p), 0.0),
            np.where(active, 2.0 / B * (p - a), 0.0), np.where(active, 2.0 / B * (a - n), 0.0))
""", ("test_triplet_loss_rejects_a_bad_margin",)),
}

SLOW = {
    "pair_by_pair": (
        "info_nce_grad right, but the logits and the gradients are built one pair (i, j) at a time",
        """
def info_nce_grad(z1, z2, temperature=0.1, symmetric=False):
    z1, z2 = _pair(z1, z2)
    temperature = _positive(temperature, "temperature")
    n1, r1 = _normalize(z1)
    n2, r2 = _normalize(z2)
    B = len(n1)
    S = np.empty((B, B))
    for i in range(B):
        for j in range(B):
            S[i, j] = n1[i] @ n2[j] / temperature
    loss = _softmax_in_place(S, symmetric)
    half = 0.5 if symmetric else 1.0
    dn1, dn2 = np.zeros_like(n1), np.zeros_like(n2)
    for i in range(B):
        for j in range(B):
            g = (half * S[i, j] - (i == j)) / (B * temperature)
            dn1[i] += g * n2[j]
            dn2[j] += g * n1[i]
    return loss, _normalize_backward(n1, r1, dn1), _normalize_backward(n2, r2, dn2)
"""),
}

CORRECT = {
    "quotient_rule": (
        "the normalization backward from the quotient rule on z itself: dn/||z|| - z (z . dn) / ||z||^3",
        """
def _normalize_backward(n, norms, dn):
    inverse = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms >= 1e-12)  # zero rows: 0
    z = n * norms
    return dn * inverse - z * (np.sum(z * dn, axis=1, keepdims=True) * inverse ** 3)
"""),
    "logsumexp_with_log1p": (
        "logsumexp as max + log1p(sum(exp(x - max)) - 1); the symmetric gradient as two one-way calls",
        """
def logsumexp(X, axis=-1):
    X = np.asarray(X, dtype=np.float64)
    m = np.max(X, axis=axis, keepdims=True, initial=-np.inf)
    top = np.squeeze(m, axis=axis)
    m = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore", over="ignore"):
        out = np.squeeze(m, axis=axis) + np.log1p(np.sum(np.exp(X - m), axis=axis) - 1.0)
    out = np.where(top == np.inf, np.inf, out)
    return float(out) if out.ndim == 0 else out


_one_way_grad = info_nce_grad


def info_nce_grad(z1, z2, temperature=0.1, symmetric=False):
    if not symmetric:
        return _one_way_grad(z1, z2, temperature)
    loss_a, dz1_a, dz2_a = _one_way_grad(z1, z2, temperature)
    loss_b, dz2_b, dz1_b = _one_way_grad(z2, z1, temperature)  # S(z2, z1) is S.T
    return (loss_a + loss_b) / 2, (dz1_a + dz1_b) / 2, (dz2_a + dz2_b) / 2
"""),
    "loops_where_no_scale_check_bites": (
        "info_nce, alignment, uniformity and triplet_loss with plain loops; numerical_gradient with nditer",
        """
import math


def info_nce(z1, z2, temperature=0.1, symmetric=False):
    z1, z2 = _pair(z1, z2)
    temperature = _positive(temperature, "temperature")
    n1 = [row / max(np.linalg.norm(row), 1e-12) for row in z1]
    n2 = [row / max(np.linalg.norm(row), 1e-12) for row in z2]
    B = len(n1)
    S = [[float(n1[i] @ n2[j]) / temperature for j in range(B)] for i in range(B)]

    def one_way(S):
        total = 0.0
        for i in range(B):
            m = max(S[i])
            total += m + math.log(sum(math.exp(s - m) for s in S[i])) - S[i][i]
        return total / B

    loss = one_way(S)
    if symmetric:
        loss = (loss + one_way([list(col) for col in zip(*S)])) / 2
    return loss


def numerical_gradient(f, x, h=1e-6):
    if not callable(f):
        raise ValueError("f must be callable")
    h = _positive(h, "h")
    work = np.array(x, dtype=np.float64)
    grad = np.zeros_like(work)
    it = np.nditer(work, flags=["multi_index"])
    for _ in it:
        k = it.multi_index
        old = work[k]
        work[k] = old + h
        plus = _single_number(f(work))
        work[k] = old - h
        minus = _single_number(f(work))
        work[k] = old
        grad[k] = (plus - minus) / (2 * h)
    return grad


def alignment(z1, z2, alpha=2):
    z1, z2 = _pair(z1, z2)
    alpha = _positive(alpha, "alpha")
    total = 0.0
    for a, b in zip(z1, z2):
        total += np.linalg.norm(a / np.linalg.norm(a) - b / np.linalg.norm(b)) ** alpha
    return total / len(z1)


def uniformity(z, t=2):
    z = _batch(z, "z")
    t = _positive(t, "t")
    if len(z) < 2:
        raise ValueError("uniformity needs at least 2 rows")
    n = [row / np.linalg.norm(row) for row in z]
    exponents = [-t * float(np.sum((n[i] - n[j]) ** 2)) for i in range(len(n)) for j in range(i + 1, len(n))]
    m = max(exponents)
    return m + math.log(sum(math.exp(e - m) for e in exponents) / len(exponents))


def triplet_loss(anchor, positive, negative, margin=0.2):
    a, p = _pair(anchor, positive, ("anchor", "positive"))
    _, n = _pair(anchor, negative, ("anchor", "negative"))
    margin = _margin(margin)
    B = len(a)
    loss, da, dp, dn = 0.0, np.zeros_like(a), np.zeros_like(a), np.zeros_like(a)
    for i in range(B):
        hinge = np.sum((a[i] - p[i]) ** 2) - np.sum((a[i] - n[i]) ** 2) + margin
        if hinge > 0:
            loss += hinge / B
            da[i] = 2 * (n[i] - p[i]) / B
            dp[i] = 2 * (p[i] - a[i]) / B
            dn[i] = 2 * (a[i] - n[i]) / B
    return loss, da, dp, dn
"""),
    "softmax_matrices_then_chain_rule": (
        "info_nce_grad from explicit softmax matrices: S = n1 @ n2.T / temperature (divided after the "
        "product), G = (P - I) / B, dn1 = G @ n2 / temperature, dn2 = G.T @ n1 / temperature; info_nce "
        "as minus the mean log-softmax of the diagonal",
        """
def _unit_rows(z):
    norms = np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-12)
    return z / norms, norms


def info_nce(z1, z2, temperature=0.1, symmetric=False):
    z1, z2 = _pair(z1, z2)
    temperature = _positive(temperature, "temperature")
    n1, _ = _unit_rows(z1)
    n2, _ = _unit_rows(z2)
    S = (n1 @ n2.T) / temperature
    row = -np.mean(np.diag(S - logsumexp(S, axis=1)[:, None]))
    if not symmetric:
        return float(row)
    col = -np.mean(np.diag(S - logsumexp(S, axis=0)[None, :]))
    return float(0.5 * row + 0.5 * col)


def info_nce_grad(z1, z2, temperature=0.1, symmetric=False):
    z1, z2 = _pair(z1, z2)
    temperature = _positive(temperature, "temperature")
    n1, r1 = _unit_rows(z1)
    n2, r2 = _unit_rows(z2)
    B = len(n1)
    S = (n1 @ n2.T) / temperature
    row_lse = logsumexp(S, axis=1)
    G = np.exp(S - row_lse[:, None])
    loss = np.mean(row_lse - np.diag(S))
    G[np.diag_indices(B)] -= 1.0
    if symmetric:
        col_lse = logsumexp(S, axis=0)
        H = np.exp(S - col_lse[None, :])
        H[np.diag_indices(B)] -= 1.0
        G = (G + H) / 2
        loss = (loss + np.mean(col_lse - np.diag(S))) / 2
    G /= B
    dn1 = (G @ n2) / temperature
    dn2 = (G.T @ n1) / temperature
    inv1 = np.where(r1 > 1e-12, 1.0 / r1, 0.0)  # a zero row (its norm clamped at 1e-12) gets gradient 0
    inv2 = np.where(r2 > 1e-12, 1.0 / r2, 0.0)
    dz1 = (dn1 - n1 * np.sum(n1 * dn1, axis=1, keepdims=True)) * inv1
    dz2 = (dn2 - n2 * np.sum(n2 * dn2, axis=1, keepdims=True)) * inv2
    return float(loss), dz1, dz2
"""),
    "expanded_distances_and_logaddexp": (
        "logsumexp as np.logaddexp.reduce; alignment from 2 - 2 cos; uniformity from |n_i|^2 + |n_j|^2 - "
        "2 n_i.n_j; triplet hinge as 2 a.(n - p) + |p|^2 - |n|^2 + margin",
        """
def logsumexp(X, axis=-1):
    out = np.logaddexp.reduce(np.asarray(X, dtype=np.float64), axis=axis)
    return float(out) if np.ndim(out) == 0 else out


def alignment(z1, z2, alpha=2):
    z1, z2 = _pair(z1, z2)
    alpha = _positive(alpha, "alpha")
    n1, _ = _normalize(z1)
    n2, _ = _normalize(z2)
    sq = np.maximum(2.0 - 2.0 * np.einsum("ij,ij->i", n1, n2), 0.0)
    return float(np.mean(sq ** (alpha / 2)))


def uniformity(z, t=2):
    z = _batch(z, "z")
    t = _positive(t, "t")
    B = len(z)
    if B < 2:
        raise ValueError("uniformity needs at least 2 rows")
    n, _ = _normalize(z)
    sq_norms = np.sum(n * n, axis=1)
    sq = np.maximum(sq_norms[:, None] + sq_norms[None, :] - 2.0 * (n @ n.T), 0.0)
    upper = np.triu(np.ones((B, B), dtype=bool), k=1)
    return float(logsumexp(-t * sq[upper]) - np.log(B * (B - 1) / 2))


def triplet_loss(anchor, positive, negative, margin=0.2):
    a, p = _pair(anchor, positive, ("anchor", "positive"))
    _, n = _pair(anchor, negative, ("anchor", "negative"))
    if isinstance(margin, bool) or not isinstance(margin, (int, float)) or not 0 <= margin < np.inf:
        raise ValueError(f"margin must be a finite number >= 0, got {margin!r}")
    B = len(a)
    hinge = 2.0 * np.sum(a * (n - p), axis=1) + np.sum(p * p, axis=1) - np.sum(n * n, axis=1) + margin
    on = (hinge > 0).astype(np.float64)[:, None] * (2.0 / B)
    return float(np.sum(np.maximum(hinge, 0.0)) / B), on * (n - p), on * (p - a), on * (a - n)
"""),
}
