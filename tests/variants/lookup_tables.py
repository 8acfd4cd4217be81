"""Variants of kata 1 that the hidden suite must judge right: WRONG, SLOW and CORRECT.

Each is appended to solutions/lookup_tables.py, so its definitions replace the reference's. What
each group holds and must do is written once, in tests/self/conftest.py (load_variants).
"""

WRONG = {
    "scatter_assign_loses_repeats": (
        "dW[ids] += g: buffered fancy indexing keeps one row per repeated id",
        """
def lookup_backward(grad_out, ids, num_embeddings, padding_idx=None):
    ids = np.asarray(ids)
    grad_out = np.asarray(grad_out, dtype=float)
    d = grad_out.shape[-1]
    dW = np.zeros((num_embeddings, d))
    dW[ids.reshape(-1)] += grad_out.reshape(-1, d)
    if padding_idx is not None:
        dW[padding_idx] = 0.0
    return dW
""", ("test_lookup_backward_repeated_ids_accumulate",)),
    "negative_ids_wrap_around": (
        "lookup trusts numpy: table[-1] silently returns the last row",
        """
def lookup(table, ids):
    return np.asarray(table, dtype=float)[np.asarray(ids)]
""", ("test_lookup_rejects_bad_input",)),
    "bools_accepted_as_ids": (
        "one_hot treats True/False as the ids 1/0",
        """
def one_hot(ids, num_classes):
    num_classes = _check_count(num_classes, "num_classes")
    ids = np.asarray(ids)
    if ids.dtype.kind == "b":
        ids = ids.astype(int)
    return np.eye(num_classes)[_check_ids(ids, num_classes)]
""", ("test_one_hot_rejects_bad_input",)),
    "padding_row_keeps_gradient": (
        "lookup_backward forgets to zero the padding row",
        """
_reference_lookup_backward = lookup_backward


def lookup_backward(grad_out, ids, num_embeddings, padding_idx=None):
    _check_padding(padding_idx, num_embeddings)
    return _reference_lookup_backward(grad_out, ids, num_embeddings, None)
""", ("test_lookup_backward_zeroes_the_padding_row",)),
    "bag_mean_divides_by_length": (
        "bag_mean divides by L instead of the number of non-padding positions",
        """
def bag_mean(table, ids, padding_idx=None):
    table = _check_table(table)
    ids = _check_bags(ids, table.shape[0])
    keep = np.ones(ids.shape) if padding_idx is None else (ids != padding_idx)
    return (table[ids] * keep[..., None]).sum(axis=1) / ids.shape[1]
""", ("test_bag_mean_ignores_padding",)),
    "empty_bag_is_nan": (
        "bag_mean computes 0/0 for a bag of nothing but padding",
        """
def bag_mean(table, ids, padding_idx=None):
    table = _check_table(table)
    ids = _check_bags(ids, table.shape[0])
    keep = np.ones(ids.shape) if padding_idx is None else (ids != padding_idx)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (table[ids] * keep[..., None]).sum(axis=1) / keep.sum(axis=1, keepdims=True)
""", ("test_bag_mean_all_padding_gives_zeros",)),
    "bag_backward_forgets_the_count": (
        "bag_mean_backward sends grad_out[i] to each position without dividing by the count",
        """
def bag_mean_backward(grad_out, ids, num_embeddings, padding_idx=None):
    ids = _check_bags(ids, num_embeddings)
    grad_out = np.asarray(grad_out, dtype=float)
    per_position = np.broadcast_to(grad_out[:, None, :], ids.shape + grad_out.shape[-1:])
    return lookup_backward(per_position, ids, num_embeddings, padding_idx)
""", ("test_bag_mean_backward_without_padding", "test_bag_mean_backward_matches_finite_differences")),
    "lookup_sorts_ids_in_place": (
        "lookup sorts the caller's ids in place while validating them",
        """
_reference_lookup = lookup


def lookup(table, ids):
    if isinstance(ids, np.ndarray) and ids.ndim == 1:
        ids.sort()
    return _reference_lookup(table, ids)
""", ("test_inputs_are_left_unchanged",)),
    "lookup_keeps_the_table_dtype": (
        "lookup indexes the table as given: a float32 table gives float32 rows",
        """
def lookup(table, ids):
    table = np.asarray(table)
    if table.ndim != 2:
        raise ValueError(f"table must be 2-D, got shape {table.shape}")
    return table[_check_ids(ids, table.shape[0])]
""", ("test_results_are_float64",)),
    "bag_backward_divides_by_length": (
        "bag_mean_backward divides grad_out[i] by L, padding positions included, instead of the count",
        """
def bag_mean_backward(grad_out, ids, num_embeddings, padding_idx=None):
    num_embeddings = _check_count(num_embeddings, "num_embeddings")
    ids = _check_bags(ids, num_embeddings)
    padding_idx = _check_padding(padding_idx, num_embeddings)
    grad_out = _check_grad(grad_out, ids.shape[:1])
    per_position = np.broadcast_to(grad_out[:, None, :] / ids.shape[1], ids.shape + grad_out.shape[-1:])
    return lookup_backward(per_position, ids, num_embeddings, padding_idx)
""", ("test_bag_mean_backward_matches_finite_differences",)),
    "empty_ids_rejected_as_floats": (
        "the dtype check runs on empty ids too, so [] (float64 to numpy) is rejected as floats",
        """
def _check_ids(ids, num_embeddings, name="ids"):
    ids = np.asarray(ids)
    if ids.dtype == bool or ids.dtype.kind not in "iu":
        raise ValueError(f"{name} must be integers, got dtype {ids.dtype}")
    if ids.size and (ids.min() < 0 or ids.max() >= num_embeddings):
        raise ValueError(f"{name} must be in 0..{num_embeddings - 1}")
    return ids.astype(np.intp, copy=False)
""", ("test_empty_ids_give_empty_results",)),
    "bag_mean_into_the_table_dtype": (
        "bag_mean fills an output of the table's dtype: an integer table truncates the means, float32 stays",
        """
def bag_mean(table, ids, padding_idx=None):
    table = np.asarray(table)
    if table.ndim != 2:
        raise ValueError(f"table must be 2-D, got shape {table.shape}")
    ids = _check_bags(ids, table.shape[0])
    padding_idx = _check_padding(padding_idx, table.shape[0])
    out = np.zeros((ids.shape[0], table.shape[1]), dtype=table.dtype)
    out[...] = np.einsum("nl,nld->nd", _bag_weights(ids, padding_idx), table[ids])
    return out
""", ("test_results_are_float64",)),
    "bag_backward_broadcasts_grad_out": (
        "bag_mean_backward never checks grad_out's shape: one row of grad_out is broadcast to every bag",
        """
def bag_mean_backward(grad_out, ids, num_embeddings, padding_idx=None):
    num_embeddings = _check_count(num_embeddings, "num_embeddings")
    ids = _check_bags(ids, num_embeddings)
    padding_idx = _check_padding(padding_idx, num_embeddings)
    grad_out = np.asarray(grad_out, dtype=np.float64)
    per_position = _bag_weights(ids, padding_idx)[:, :, None] * grad_out[..., None, :]
    return lookup_backward(per_position, ids, num_embeddings, padding_idx)
""", ("test_bag_mean_backward_rejects_bad_input",)),
}

SLOW = {
    "python_loop_backward": (
        "lookup_backward right, but one Python iteration per id",
        """
def lookup_backward(grad_out, ids, num_embeddings, padding_idx=None):
    num_embeddings = _check_count(num_embeddings, "num_embeddings")
    ids = _check_ids(ids, num_embeddings)
    padding_idx = _check_padding(padding_idx, num_embeddings)
    grad_out = _check_grad(grad_out, ids.shape)
    d = grad_out.shape[-1]
    dW = np.zeros((num_embeddings, d))
    for i, row in zip(ids.reshape(-1).tolist(), grad_out.reshape(-1, d)):
        dW[i] += row
    if padding_idx is not None:
        dW[padding_idx] = 0.0
    return dW
"""),
}

CORRECT = {
    "bincount_backward": (
        "lookup_backward with one np.bincount per column instead of np.add.at",
        """
def lookup_backward(grad_out, ids, num_embeddings, padding_idx=None):
    num_embeddings = _check_count(num_embeddings, "num_embeddings")
    ids = _check_ids(ids, num_embeddings)
    padding_idx = _check_padding(padding_idx, num_embeddings)
    grad_out = _check_grad(grad_out, ids.shape)
    flat, g = ids.reshape(-1), grad_out.reshape(-1, grad_out.shape[-1])
    dW = np.stack([np.bincount(flat, weights=g[:, j], minlength=num_embeddings)
                   for j in range(g.shape[1])], axis=1).reshape(num_embeddings, g.shape[1])
    if padding_idx is not None:
        dW[padding_idx] = 0.0
    return dW
"""),
    "one_hot_by_eye_and_matmul": (
        "one_hot as np.eye(V)[ids]; bag_mean through a weight matrix and a loop over bags",
        """
def one_hot(ids, num_classes):
    num_classes = _check_count(num_classes, "num_classes")
    return np.eye(num_classes)[_check_ids(ids, num_classes)]


def bag_mean(table, ids, padding_idx=None):
    table = _check_table(table)
    ids = _check_bags(ids, table.shape[0])
    padding_idx = _check_padding(padding_idx, table.shape[0])
    out = np.zeros((ids.shape[0], table.shape[1]))
    for i, bag in enumerate(ids):
        kept = bag if padding_idx is None else bag[bag != padding_idx]
        if kept.size:
            out[i] = table[kept].mean(axis=0)
    return out
"""),
    "lookup_through_one_hot": (
        "lookup as one_hot(ids) @ table (the lesson's identity, through BLAS); one_hot by comparing "
        "ids with np.arange; lookup_backward with one np.bincount over flat (id, column) cells",
        """
def one_hot(ids, num_classes):
    num_classes = _check_count(num_classes, "num_classes")
    ids = _check_ids(ids, num_classes)
    return (ids[..., None] == np.arange(num_classes)).astype(np.float64)


def lookup(table, ids):
    table = _check_table(table)
    ids = _check_ids(ids, table.shape[0])
    return one_hot(ids, table.shape[0]) @ table


def lookup_backward(grad_out, ids, num_embeddings, padding_idx=None):
    num_embeddings = _check_count(num_embeddings, "num_embeddings")
    ids = _check_ids(ids, num_embeddings)
    padding_idx = _check_padding(padding_idx, num_embeddings)
    grad_out = _check_grad(grad_out, ids.shape)
    d = grad_out.shape[-1]
    cells = (ids.reshape(-1, 1) * d + np.arange(d)).reshape(-1)
    dW = np.bincount(cells, weights=grad_out.reshape(-1), minlength=num_embeddings * d)
    dW = dW.reshape(num_embeddings, d)
    if padding_idx is not None:
        dW[padding_idx] = 0.0
    return dW
"""),
    "bags_as_a_matrix": (
        "bag_mean as B @ table and bag_mean_backward as B.T @ grad_out, with B (n, V) the bag weights "
        "(BLAS sums in its own order)",
        """
def _bag_matrix(ids, num_embeddings, padding_idx):
    keep = np.ones(ids.shape, dtype=bool) if padding_idx is None else ids != padding_idx
    counts = keep.sum(axis=1)
    B = np.zeros((ids.shape[0], num_embeddings))
    rows = np.repeat(np.arange(ids.shape[0]), ids.shape[1]).reshape(ids.shape)
    np.add.at(B, (rows[keep], ids[keep]), 1.0)
    return B / np.maximum(counts, 1)[:, None]


def bag_mean(table, ids, padding_idx=None):
    table = _check_table(table)
    ids = _check_bags(ids, table.shape[0])
    padding_idx = _check_padding(padding_idx, table.shape[0])
    return _bag_matrix(ids, table.shape[0], padding_idx) @ table


def bag_mean_backward(grad_out, ids, num_embeddings, padding_idx=None):
    num_embeddings = _check_count(num_embeddings, "num_embeddings")
    ids = _check_bags(ids, num_embeddings)
    padding_idx = _check_padding(padding_idx, num_embeddings)
    grad_out = _check_grad(grad_out, ids.shape[:1])
    return _bag_matrix(ids, num_embeddings, padding_idx).T @ grad_out
"""),
    "sum_then_divide": (
        "bag_mean sums the kept rows and divides by the count; bag_mean_backward divides grad_out by "
        "the count first, then scatters it with np.add.at",
        """
def bag_mean(table, ids, padding_idx=None):
    table = _check_table(table)
    ids = _check_bags(ids, table.shape[0])
    padding_idx = _check_padding(padding_idx, table.shape[0])
    keep = np.ones(ids.shape, dtype=bool) if padding_idx is None else ids != padding_idx
    total = np.where(keep[..., None], table[ids], 0.0).sum(axis=1)
    return total / np.maximum(keep.sum(axis=1), 1)[:, None]


def bag_mean_backward(grad_out, ids, num_embeddings, padding_idx=None):
    num_embeddings = _check_count(num_embeddings, "num_embeddings")
    ids = _check_bags(ids, num_embeddings)
    padding_idx = _check_padding(padding_idx, num_embeddings)
    grad_out = _check_grad(grad_out, ids.shape[:1])
    keep = np.ones(ids.shape, dtype=bool) if padding_idx is None else ids != padding_idx
    share = grad_out / np.maximum(keep.sum(axis=1), 1)[:, None]
    rows = np.broadcast_to(np.arange(ids.shape[0])[:, None], ids.shape)
    dW = np.zeros((num_embeddings, grad_out.shape[1]))
    np.add.at(dW, ids[keep], share[rows[keep]])
    return dW
"""),
}
