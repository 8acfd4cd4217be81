"""The katas, in order: the one list the grader, the reports and the project's tests read.

Adding a kata means adding one entry here, its section in katas/KATAS.md (the contract:
its functions, shapes, errors and edge cases) and its files:
    katas/<name>.py        the stub the learner fills in
    katas/<name>.md        the lesson
    solutions/<name>.py    the reference solution
    tests/hidden/test_<name>.py    the hidden suite
    tests/variants/<name>.py       its variants: known-wrong, slow, and correct but different
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Kata:
    number: int
    name: str
    title: str
    points: int
    hints: tuple[str, ...]

    @property
    def stub(self) -> Path:
        return ROOT / "katas" / f"{self.name}.py"

    @property
    def lesson(self) -> Path:
        return ROOT / "katas" / f"{self.name}.md"

    @property
    def solution(self) -> Path:
        return ROOT / "solutions" / f"{self.name}.py"

    @property
    def suite(self) -> Path:
        return ROOT / "tests" / "hidden" / f"test_{self.name}.py"

    @property
    def variants(self) -> Path:
        return ROOT / "tests" / "variants" / f"{self.name}.py"


KATAS: tuple[Kata, ...] = (
    Kata(1, "lookup_tables", "One-hot vectors vs learned lookup tables", 10, (
        "Start with one_hot: build np.zeros(shape(ids) + (num_classes,)) and set one entry per id. "
        "np.eye(num_classes)[ids] does it in one line once the ids are checked.",
        "lookup is table[ids] once you have checked that ids are integers in 0..V-1 (numpy would "
        "wrap -1 around to the last row; the contract says ValueError). The result has shape "
        "ids.shape + (d,).",
        "lookup_backward: dW[ids] += grad_out loses repeated ids, because fancy-index assignment "
        "writes each row once. np.add.at(dW, ids.ravel(), grad_out.reshape(-1, d)) accumulates. "
        "Then zero the padding row.",
        "bag_mean: mask = ids != padding_idx; sum the looked-up rows times mask and divide by "
        "max(mask.sum(axis=1), 1), so an all-padding bag gives zeros instead of 0/0. "
        "bag_mean_backward sends grad_out[i] / count_i to every non-padding id of bag i.",
    )),
    Kata(2, "similarity", "Similarity and neighbours", 10, (
        "Start with normalize: every other function builds on it. A row whose norm is < eps (a zero "
        "row included) must come out as zeros, every other row with length exactly 1 (not divided by "
        "norm + eps). Divide each row by its largest |entry| before squaring, so that 1e200 cannot overflow.",
        "cosine_similarity is one matrix product of normalized rows, normalize(X) @ normalize(Y).T, then "
        "np.clip into [-1, 1]. Zero rows need no special case: they normalize to zeros.",
        "sq_euclidean: expand ||x - y||^2 = ||x||^2 + ||y||^2 - 2 x.y. The squared norms are two vectors "
        "added on different axes (x2[:, None] + y2[None, :]), the cross term is X @ Y.T. Then "
        "np.maximum(D, 0), and np.fill_diagonal(D, 0) when Y is None.",
        "top_k: build the (n_queries, n_keys) score matrix with higher = better (negate distances for "
        "'euclidean'), check that every query keeps at least k keys, give excluded keys -inf, then "
        "np.argsort(-S, axis=1, kind='stable')[:, :k]. argpartition is faster but picks arbitrarily among "
        "ties at the k-th place.",
        "analogy: cosine_similarity(E, E[[a, b, c]]) gives every word's three cosines at once (V, 3). "
        "3cosadd is C[:, 1] - C[:, 0] + C[:, 2]; 3cosmul shifts C to (C + 1) / 2 first, then "
        "b-term * c-term / (a-term + eps). Rank like top_k with a, b and c excluded.",
    )),
    Kata(3, "cooccurrence", "A co-occurrence embedding trainer", 15, (
        "Start with build_vocab and encode: collections.Counter counts the tokens; sort with the key "
        "(-count, word) for count descending, ties alphabetical. encode maps tokens through a dict "
        "word -> index and simply skips unknown ones, so their neighbours become adjacent.",
        "cooccurrence_matrix without a loop over tokens: concatenate the sentences into one array and "
        "build a parallel array of sentence ids (np.repeat(np.arange(n), lengths)). For each offset d "
        "in 1..window, pair tokens[:-d] with tokens[d:] where the sentence ids agree, add 1 (or 1/d) "
        "with np.add.at or np.bincount(left * V + right, minlength=V * V), and finish with C + C.T.",
        "ppmi: work only on the nonzero entries (w, c = np.nonzero(C)): log C[w, c] - log rowsum[w] "
        "- log P_alpha[c], with P_alpha = colsum**alpha / sum(colsum**alpha) (N cancels); clip at 0 "
        "after subtracting log(shift), and leave everything else 0. svd_embeddings: U, S, Vt = "
        "np.linalg.svd(M, full_matrices=False), then U[:, :dim] * S[:dim] ** power.",
        "sgns_loss_and_grads: gather v = W_in[centers] (B, d), u = W_out[contexts] and "
        "U = W_out[negatives] (B, K, d); dot products with np.einsum. Loss terms np.logaddexp(0, -pos) "
        "and np.logaddexp(0, neg); g_pos = sigmoid(pos) - 1, g_neg = sigmoid(neg), both divided by B; "
        "scatter g_pos u + sum_k g_neg u_k into dW_in and g_pos v, g_neg v into dW_out with np.add.at.",
        "train_sgns: build every (center, context) pair once with the offset trick (both directions), "
        "then per epoch rng.permutation and batches of 256; negatives by np.searchsorted on the cumsum "
        "of counts**0.75; step W -= lr_t * B * grad (the sum over the batch) with lr_t decaying "
        "linearly; every draw from the one rng = np.random.default_rng(seed).",
    )),
    Kata(4, "infonce", "InfoNCE with hand-written gradients", 15, (
        "Start with numerical_gradient, then use it on everything after: copy x with np.array(x, dtype=float), "
        "walk over the entries of copy.reshape(-1) (a view, so writing to it changes the copy), set each to "
        "old + h and old - h, call f on the whole copy, put old back, and divide the difference by 2h.",
        "logsumexp: m = np.max(X, axis=axis, keepdims=True), with 0 wherever m is not finite; then "
        "log(sum(exp(X - m), axis)) plus m without the kept axis (initial=-np.inf in np.max makes an empty "
        "axis -inf; a +inf max gives +inf). info_nce: divide each row by its norm (rows shorter than 1e-12 "
        "become zeros), S = n1 @ n2.T / temperature, loss = mean(logsumexp(S, axis=1) - diag(S)); the "
        "lesson's 2 x 2 example must give log 2.",
        "info_nce_grad, first with respect to n1 and n2: P = softmax of each row of S (exp(S - row max) over "
        "its row sum), G = (P - I) / (B * temperature), dn1 = G @ n2 and dn2 = G.T @ n1. For symmetric=True, "
        "average P with the softmax down each column before subtracting I. Compare with numerical_gradient "
        "before going on.",
        "Then through the normalization, all rows at once: dz = (dn - n * sum(n * dn, axis=1, keepdims=True)) "
        "/ norm, and 0 for rows shorter than 1e-12 (np.divide(..., where=norm >= 1e-12)). Each row of dz must "
        "come out orthogonal to its row of z; if it does not, this step is missing.",
        "alignment = mean(norm(n1 - n2, axis=1) ** alpha). uniformity: d2 = 2 - 2 (n @ n.T) at "
        "np.triu_indices(B, 1), then logsumexp(-t * d2) - log(number of pairs). triplet_loss: hinge = "
        "sum((a-p)**2, 1) - sum((a-n)**2, 1) + margin, active = hinge > 0 (strictly), gradients 2(n - p)/B, "
        "2(p - a)/B, 2(a - n)/B on active rows only.",
    )),
    Kata(5, "whitening", "Whitening via SVD", 10, (
        "Start with the covariance: center with mu = X.mean(axis=0), then Sigma = Xc.T @ Xc / (n - 1), "
        "a d x d matrix. np.cov(X) without rowvar=False treats rows as variables and gives n x n; compare "
        "your Sigma with np.cov(X, rowvar=False).",
        "np.linalg.svd(Sigma) returns U and s with s in descending order; for a symmetric PSD matrix this "
        "is its eigendecomposition. With np.linalg.eigh instead, reverse both s and the columns of U (eigh "
        "sorts ascending). The sign of each column does not matter.",
        "PCA: W = U[:, :k] / np.sqrt(s[:k] + eps) (broadcasting scales column j). ZCA: the full (d, d) "
        "version of that, multiplied on the right by U.T. Keep eps inside the square root so zero variances "
        "stay finite, then check np.cov((X - mu) @ W, rowvar=False) is the identity.",
        "apply_whitening is (X - mu) @ W with the fitted mu, never X's own mean; with normalize=True divide "
        "each row by its norm, using 1 where the norm is 0. Check first that X is (n, d), mu is (d,) and W "
        "is (d, k); in fit_whitening check dim in 1..d, dim None for zca, and the method name.",
        "remove_top_components: with Xc = X - X.mean(axis=0) and U_k = U[:, :k] from the same covariance "
        "SVD, return Xc - (Xc @ U_k) @ U_k.T. k = 0 gives Xc; validate k in 0..d.",
    )),
    Kata(6, "collapse", "Collapse detection", 10, (
        "Write two private helpers first: one that turns X into a checked 2-D float64 array (at least "
        "2 rows, no NaN or inf, else ValueError), one that returns the singular values of the centered X. "
        "covariance_spectrum, effective_rank and diagnose all come from those singular values.",
        "covariance_spectrum: with s = np.linalg.svd(X - X.mean(0), compute_uv=False), the eigenvalues are "
        "s**2 / (n - 1), already descending and never negative; pad them with zeros to length d when "
        "n - 1 < d. With np.linalg.eigvalsh of the covariance instead, reverse the order and clip at 0.",
        "effective_rank: p = s / s.sum() (s, not s**2), keep only p > 0 before p * np.log(p), return "
        "exp(-sum). Identical rows: X - X.mean(0) leaves noise of about 1e-17, so subtract X[0] before "
        "centering (or check np.all(X == X[0])) and return 0.0 when s sums to 0.",
        "mean_cosine: give each row the weight w_i = 1 / ||x_i|| (0 for an exact zero row); S = w @ X is "
        "the sum of the unit rows, and sum_{i != j} cos_ij = S @ S - (number of nonzero rows). Divide by "
        "n * (n - 1). No epsilon in the norms, no n x n matrix.",
        "diagnose: spread = sqrt(sum ||x_i - mean||^2 / sum ||x_i||^2) (0.0 when every row is 0), "
        "rank_ratio = effective_rank / min(n - 1, d); test spread < 1e-3, then rank_ratio < 0.25, then "
        "mean_cosine > 0.5, in that order. explained_variance = spectrum / its sum, or zeros when the sum "
        "is 0.",
    )),
    Kata(7, "matryoshka", "Matryoshka embeddings", 10, (
        "Every prefix is an embedding of its own: whenever you cut rows to their first m columns (truncate, "
        "each term of the loss, the first pass of the funnel), divide the cut rows by their own length. The "
        "prefix of a unit vector is shorter than 1, and a zero prefix stays zeros.",
        "matryoshka_info_nce: turn weights into one number per size (None -> 1.0, a sequence as given, a "
        "dict -> weights[m]), start from dz1 = np.zeros((B, d)), and for each (m, w) compute kata 4's "
        "InfoNCE loss and gradients on z1[:, :m], z2[:, :m]; add w * loss to the total and w * gradient into "
        "dz1[:, :m]. Columns beyond max(dims) stay exactly 0.",
        "One prefix's gradient: P = softmax of each row of S (subtract the row max before exp), dS = (P - I) "
        "/ B, dn1 = dS @ n2 / T, dn2 = dS.T @ n1 / T, then dz = (dn - (n . dn) n) / ||z[:, :m]|| row by row, "
        "with the prefix's own n and length (0 for a zero prefix), never the whole row's.",
        "funnel_search: coarse = prefix cosines (n_queries, n_keys) as one matrix product; t = each row's "
        "shortlist-th best value (np.partition); keep keys with coarse >= t, order them by (row, -score, "
        "index) with np.lexsort and take the first shortlist per row. Then np.einsum the unit queries with "
        "the unit rows of keys[candidates] (n_queries, shortlist, d) and order by "
        "np.lexsort((candidates, -full)).",
        "recall_at_k: check retrieved.ndim == 2, targets.ndim == 1 and len(targets) == len(retrieved) > 0, "
        "then float((retrieved == targets[:, None]).any(axis=1).mean()): any() counts a row once however "
        "often its target appears.",
    )),
    Kata(8, "linear_probe", "Linear probes on frozen embeddings", 10, (
        "Work in three steps and test each alone: the loss on tiny hand cases (equal logits give log C), "
        "its gradient against finite differences, then training. Write one private helper that checks "
        "labels: an integer dtype (bools excluded), shape (n,), values in 0..C-1, else a ValueError that "
        "names the problem.",
        "Stability: subtract each row's max (axis=1, keepdims=True) from the logits before np.exp. With the "
        "shifted rows s, logsumexp is log(sum(exp(s))) and the row's loss is that minus s[label]; average "
        "over the rows. Never take the log of a softmax probability, which can underflow to 0.",
        "The gradient of the mean loss is (softmax - onehot) / n: P = exp(s) / its row sums, subtract 1 at "
        "[np.arange(n), labels], divide by n. Through the probe Z = X @ W + b: dW = X.T @ dlogits + "
        "weight_decay * W and db = dlogits.sum(axis=0) (the bias is not decayed).",
        "train_probe: W = zeros((d, C)), b = zeros(C); each epoch runs one forward pass on the whole batch, "
        "records loss + weight_decay / 2 * sum(W ** 2) before updating, then steps W and b by -lr times "
        "their gradients. probe_accuracy: float(np.mean(np.argmax(X @ W + b, axis=1) == y)); np.argmax "
        "already sends ties to the lower class.",
    )),
    Kata(9, "next_word", "Embeddings learned by predicting the next word", 15, (
        "Start with context_windows, and check it against the docstring's example: each position t of a "
        "sentence gives one row, the `context` ids before t with pad_id on the left, and y[t] the id at t. "
        "Then forward: h = the mean of E[X[i, j]] over the positions that are not pad_id, then h @ W + b.",
        "context_windows without a loop over positions: concatenate the sentences, each preceded by `context` "
        "copies of pad_id (np.repeat of the sentence numbers gives where each word lands); then every window "
        "is laid_out[where[:, None] + np.arange(-context, 0)], one fancy index for the whole corpus.",
        "forward: keep = X != pad_id and weights = keep / np.maximum(keep.sum(axis=1, keepdims=True), 1), so a "
        "row of padding only gives h = 0 instead of 0 / 0; h = np.einsum('nj,njd->nd', weights, E[X]). The "
        "loss: subtract each row's max from the logits before np.exp, loss = mean(log(sum(exp)) - z[y]).",
        "loss_and_grads: G = (softmax - onehot(y)) / N, then dW = h.T @ G, db = G.sum(axis=0) and dh = G @ W.T. "
        "Position j of row i sends weights[i, j] * dh[i] to row X[i, j] of dE: np.add.at(dE, X, "
        "weights[:, :, None] * dh[:, None, :]) accumulates repeated ids (dE[X] += ... does not). Zero row "
        "pad_id, and compare everything with finite differences.",
        "train_next_word: X, y = context_windows(...); rng = np.random.default_rng(seed); E = 0.1 * "
        "rng.standard_normal((V, dim)) first, E[pad_id] = 0, W and b zeros; each epoch order = "
        "rng.permutation(N), batches order[s:s + batch_size], one loss_and_grads and one step P -= lr * dP "
        "per batch, and losses[e] = sum(batch loss * batch length) / N. perplexity = exp(mean loss).",
    )),
    Kata(10, "recommender", "User and item embeddings from implicit feedback", 15, (
        "Start with leave_one_out: turn each pair into one key, user * (max_item + 1) + item; np.sort "
        "and keep the entries that differ from their left neighbour (duplicates dropped, pairs ordered "
        "by user then item). np.bincount of the users gives each user's count, its cumsum where each "
        "user's run starts; for the users with count >= 2, start + rng.integers(0, count) is the pair "
        "to hold out, all drawn at once.",
        "bpr_loss_and_grads: gather u = U[users], vp = V[pos], vn = V[neg] and x = sum(u * (vp - vn), "
        "axis=1). The loss term is np.logaddexp(0, -x); its derivative in x is -sigmoid(-x) = "
        "-np.exp(-np.logaddexp(0, x)), which never overflows. Divide by B, add reg * the gathered row "
        "(also / B), and scatter with np.add.at(dU, users, ...): dU[users] += ... loses repeated ids.",
        "sample_negatives without retries: with a user's distinct items sorted, s_0 < s_1 < ..., "
        "s_j - j counts the free items below s_j, so the r-th free item is r + #{j : s_j - j <= r}. "
        "Draw r = rng.integers(0, n_items - count[u]) for all pairs at once; with the sorted keys "
        "user * n_items + item, keys - (place of the key within its user) is sorted too, and one "
        "np.searchsorted(..., user * n_items + r, side='right') minus the user's start counts those j.",
        "train_bpr: rng = np.random.default_rng(seed), U and V from rng.normal(0, 0.1, ...), then per "
        "epoch order = rng.permutation(n), one negative per pair, and batches of batch_size. Step "
        "U -= lr * B * dU and V -= lr * B * dV (the sum of the pairs' gradients; with the mean alone the "
        "steps are B times too small). Record each batch's loss before its step, weighted by B.",
        "recommend: S = U[users] @ V.T, S[row, item] = -np.inf for the excluded pairs (map each pair's "
        "user to its rows), check (S > -inf).sum(axis=1) >= k, then np.argsort(-S, axis=1, "
        "kind='stable')[:, :k]: a stable sort keeps equal scores in id order. hit_rate and ndcg_at_k: "
        "rows, row_of = np.unique(test[:, 0], return_inverse=True); found = recommended[row_of] == "
        "test[:, 1:2]; the rank is found.argmax(axis=1) where found.any(axis=1).",
    )),
    Kata(11, "clusters", "Do good embeddings cluster and separate?", 10, (
        "Write one private helper first: X as a finite 2-D float64 array, and its rows divided by their "
        "lengths (U). kmeans_plus_plus and spherical_kmeans refuse a zero row; silhouette lets it be (cosine "
        "0 with everything). Every distance in this kata is 1 - cos on U, so the length of a row never matters.",
        "kmeans_plus_plus: rng = np.random.default_rng(seed); first = rng.integers(n); nearest = 1 - U @ "
        "U[first]. Then k - 1 times: w = nearest ** 2, draw rng.choice(n, p=w / w.sum()), and nearest = "
        "np.minimum(nearest, 1 - U @ U[new]). If w.sum() is 0, every row coincides with a center: k is more "
        "than the distinct directions (ValueError).",
        "A duplicate row gives 1 - U @ c of about 1e-16, not 0, and x and 3x normalize to rows an ulp apart: "
        "where 1 - cos is tiny, recompute it as ||u - c||^2 / 2 from the difference (exactly 0 for equal "
        "rows) and call anything below about 1e-20 zero.",
        "spherical_kmeans: centers = U[kmeans_plus_plus(X, k, seed)]; each round labels = np.argmax(U @ "
        "centers.T, axis=1) (ties to the lower index), stop when np.array_equal(labels, previous); give each "
        "empty cluster (np.bincount(labels, minlength=k) == 0) the row of lowest cosine to its own center "
        "from a cluster of 2 or more rows; then sums = np.add.at or a one-hot product, divided by their norms.",
        "silhouette without an n x n matrix: with S_c the sum of the unit rows of cluster c (m_c rows), the "
        "mean distance of row i to c is 1 - u_i . S_c / m_c, and to the others of its own cluster 1 - (u_i . "
        "S_own - u_i . u_i) / (m - 1). U @ S.T a block of rows at a time gives all of them; s = 0 where m == 1.",
        "purity and nmi: codes from np.unique(labels, return_inverse=True), the contingency table from "
        "np.bincount(a * C + b, minlength=k * C).reshape(k, C). purity = table.max(axis=1).sum() / n. "
        "NMI = 2 I / (H(a) + H(b)) with I = H(a) + H(b) - H(table cells), entropies of counts / n; 1.0 when "
        "both entropies are 0.",
    )),
)

BY_NAME = {k.name: k for k in KATAS}


def get(name: str) -> Kata:
    """The catalogue entry of `name`; KeyError if there is none."""
    return BY_NAME[name]


def select(names=None) -> list:
    """The entries of `names`, in the order given, or every kata in catalogue order."""
    return [get(n) for n in names] if names else list(KATAS)
