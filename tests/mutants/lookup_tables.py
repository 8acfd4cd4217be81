"""Variants of kata 1 that the hidden suite must judge right.

Each variant is the reference solution with some functions redefined: the code below is
appended to solutions/lookup_tables.py, so its definitions replace the reference ones.
WRONG holds mistakes learners really make (each must lose points); SLOW holds right but
unvectorized code (it must fail the scale checks and nothing else); CORRECT holds right
answers written differently (each must keep full marks).
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
"""),
    "negative_ids_wrap_around": (
        "lookup trusts numpy: table[-1] silently returns the last row",
        """
def lookup(table, ids):
    return np.asarray(table, dtype=float)[np.asarray(ids)]
"""),
    "bools_accepted_as_ids": (
        "one_hot treats True/False as the ids 1/0",
        """
def one_hot(ids, num_classes):
    num_classes = _check_count(num_classes, "num_classes")
    ids = np.asarray(ids)
    if ids.dtype.kind == "b":
        ids = ids.astype(int)
    return np.eye(num_classes)[_check_ids(ids, num_classes)]
"""),
    "padding_row_keeps_gradient": (
        "lookup_backward forgets to zero the padding row",
        """
_reference_lookup_backward = lookup_backward


def lookup_backward(grad_out, ids, num_embeddings, padding_idx=None):
    _check_padding(padding_idx, num_embeddings)
    return _reference_lookup_backward(grad_out, ids, num_embeddings, None)
"""),
    "bag_mean_divides_by_length": (
        "bag_mean divides by L instead of the number of non-padding positions",
        """
def bag_mean(table, ids, padding_idx=None):
    table = _check_table(table)
    ids = _check_bags(ids, table.shape[0])
    keep = np.ones(ids.shape) if padding_idx is None else (ids != padding_idx)
    return (table[ids] * keep[..., None]).sum(axis=1) / ids.shape[1]
"""),
    "empty_bag_is_nan": (
        "bag_mean computes 0/0 for a bag of nothing but padding",
        """
def bag_mean(table, ids, padding_idx=None):
    table = _check_table(table)
    ids = _check_bags(ids, table.shape[0])
    keep = np.ones(ids.shape) if padding_idx is None else (ids != padding_idx)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (table[ids] * keep[..., None]).sum(axis=1) / keep.sum(axis=1, keepdims=True)
"""),
    "bag_backward_forgets_the_count": (
        "bag_mean_backward sends grad_out[i] to each position without dividing by the count",
        """
def bag_mean_backward(grad_out, ids, num_embeddings, padding_idx=None):
    ids = _check_bags(ids, num_embeddings)
    grad_out = np.asarray(grad_out, dtype=float)
    per_position = np.broadcast_to(grad_out[:, None, :], ids.shape + grad_out.shape[-1:])
    return lookup_backward(per_position, ids, num_embeddings, padding_idx)
"""),
    "lookup_sorts_ids_in_place": (
        "lookup sorts the caller's ids in place while validating them",
        """
_reference_lookup = lookup


def lookup(table, ids):
    if isinstance(ids, np.ndarray) and ids.ndim == 1:
        ids.sort()
    return _reference_lookup(table, ids)
"""),
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
}
