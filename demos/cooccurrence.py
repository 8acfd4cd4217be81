"""Demo of kata 3: word vectors from CPython's own documentation, with your functions.

    python grader.py --demo cooccurrence               your functions (katas/cooccurrence.py)
    python grader.py --demo cooccurrence --solutions   the reference
    python grader.py --demo cooccurrence --plot        also save demo-cooccurrence.png (needs matplotlib)

The corpus is the English that ships with Python (docstrings of the standard library and the
help() topics; see demos/corpus.py). Your build_vocab keeps its most frequent words, encode
turns the sentences into ids, and the same window of neighbours feeds two methods: counts ->
ppmi -> svd_embeddings, and train_sgns. Then, for each: the nearest neighbours of a few words
by cosine, and a few analogies by 3CosAdd (the word closest to b - a + c, on unit vectors).
"""

from __future__ import annotations

import importlib.util
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

_spec = importlib.util.spec_from_file_location("_demo_progress", Path(__file__).with_name("_progress.py"))
_progress = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_progress)
step = _progress.step
_spec = importlib.util.spec_from_file_location("_demo_shared", Path(__file__).with_name("_shared.py"))
_shared = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_shared)
print_table = _shared.print_table

NEEDS = {"cooccurrence": ("build_vocab", "encode", "cooccurrence_matrix", "ppmi", "svd_embeddings", "train_sgns")}

PROBES = ("list", "string", "file", "error", "thread", "socket", "read", "true")
NEIGHBOURS = 5
ANALOGIES = (  # a : b :: c : d
    ("file", "files", "string", "strings"),
    ("list", "lists", "tuple", "tuples"),
    ("return", "returns", "raise", "raises"),
    ("return", "returned", "raise", "raised"),
    ("read", "write", "reader", "writer"),
    ("encoder", "decoder", "encode", "decode"),
    ("true", "false", "first", "last"),
)
PICTURE_GROUPS = {
    "files": ("file", "directory", "path", "open", "close", "read", "write", "filename"),
    "types": ("integer", "float", "string", "list", "tuple", "dictionary", "bytes", "boolean"),
    "concurrency": ("thread", "process", "lock", "socket", "connection", "server", "client", "signal"),
    "errors": ("error", "exception", "warning", "traceback", "raises", "fails", "failure", "invalid"),
}


def load_corpus():
    spec = importlib.util.spec_from_file_location("_demo_corpus", Path(__file__).with_name("corpus.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def unit(E):
    E = np.asarray(E, dtype=np.float64)
    return E / np.maximum(np.linalg.norm(E, axis=1, keepdims=True), 1e-12)


def nearest(U, index, word, n):
    scores = U @ U[index[word]]
    scores[index[word]] = -np.inf
    return [int(i) for i in np.argsort(-scores)[:n]]


def analogy(U, index, a, b, c):
    """3CosAdd: the word whose unit vector is closest to b - a + c, a, b and c left out."""
    scores = U @ (U[index[b]] - U[index[a]] + U[index[c]])
    scores[[index[a], index[b], index[c]]] = -np.inf
    return int(np.argmax(scores))


def run(load, plot=False) -> int:
    kata = load("cooccurrence")
    corpus = load_corpus()
    print("Kata 3 on real text: word vectors from the documentation that ships with Python.\n")

    first = "collecting the corpus (first run; cached in demos/.cache for next time)"
    with step("reading the corpus" if corpus.cached() else first):
        sentences = corpus.sentences(verbose=False)
    with step("building the vocabulary"):
        words, counts = kata.build_vocab(sentences)
        words, counts = list(words)[:corpus.VOCAB], np.asarray(counts)[:corpus.VOCAB]
    with step("encoding the sentences"):
        encoded = kata.encode(sentences, words)
    V, window = len(words), corpus.WINDOW
    with step(f"counting co-occurrences, window {window}"):
        C = kata.cooccurrence_matrix(encoded, V, window=window)
    with step("PPMI"):
        M = kata.ppmi(C)
    # Two cores: the SVD (inside LAPACK, which lets go of the GIL) runs in a thread of its own
    # while SGNS trains, so the demo takes about as long as the longer of the two.
    def svd():
        start = time.thread_time()
        E = kata.svd_embeddings(M, corpus.SVD_DIM)
        return E, time.thread_time() - start, time.perf_counter()

    start = time.perf_counter()
    with step(f"SVD of the {V} x {V} PPMI matrix, keeping {corpus.SVD_DIM} dimensions (your svd_embeddings),\n"
              f"  and SGNS training, {corpus.SGNS_DIM} dimensions, {corpus.EPOCHS} epochs (your train_sgns), "
              "side by side"):
        with ThreadPoolExecutor(max_workers=1) as pool:
            pending = pool.submit(svd)
            W, losses = kata.train_sgns(encoded, V, dim=corpus.SGNS_DIM, window=window,
                                        epochs=corpus.EPOCHS, lr=corpus.LR, seed=0)
            sgns_seconds = time.perf_counter() - start
            E, svd_cpu, svd_end = pending.result()
    print(f"    the SVD took {svd_end - start:.1f} s, SGNS {sgns_seconds:.1f} s")
    svd_seconds = svd_cpu  # the SVD's own CPU time: what it costs on a quiet machine

    n_tokens = sum(map(len, sentences))
    kept = sum(len(ids) for ids in encoded)
    print(f"\n{len(sentences):,} sentences, {n_tokens:,} words. Vocabulary: the {V} most frequent "
          f"(each seen at least {counts[-1]} times),\ncovering {kept / n_tokens:.0%} of the text. "
          f"SGNS loss by epoch: {', '.join(f'{x:.3f}' for x in np.asarray(losses))}.")

    print(describe_svd(M, E, svd_seconds))

    index = {w: i for i, w in enumerate(words)}
    vectors = {"PPMI-SVD": unit(E), "SGNS": unit(W)}
    probes = [w for w in PROBES if w in index]
    rows = [[w] + [" ".join(words[i] for i in nearest(U, index, w, NEIGHBOURS)) for U in vectors.values()]
            for w in probes]
    print("\nNearest neighbours by cosine:\n")
    print_table(["word", *vectors], rows)

    rows, right = [], dict.fromkeys(vectors, 0)
    for a, b, c, d in ANALOGIES:
        if not all(w in index for w in (a, b, c, d)):
            continue
        row = [f"{a} : {b} :: {c} : ?", d]
        for name, U in vectors.items():
            guess = words[analogy(U, index, a, b, c)]
            right[name] += guess == d
            row.append(guess)
        rows.append(row)
    rows.append(["right", "", *(f"{n} of {len(rows)}" for n in right.values())])
    print("\nAnalogies by 3CosAdd (the word nearest to b - a + c):\n")
    print_table(["a : b :: c : ?", "expected", *vectors], rows)

    print("\nBoth methods see the same pairs of neighbours. On a corpus this small (a few hundred\n"
          "thousand words) the exact counts of PPMI-SVD usually give the cleaner neighbours; SGNS\n"
          "gets a couple of noisy passes, but it streams, and scales to corpora whose V x V\n"
          "matrix would not fit in memory.")
    if plot:
        save_picture(vectors, index)
    return 0


def describe_svd(M, E, seconds, power=0.5):
    """Which decomposition svd_embeddings did, from what it returned: column j of E is u_j s_j^power,
    and exact left singular pairs satisfy M M^T u_j = s_j^2 u_j. The relative residual of that
    equation is rounding (1e-12) for a full decomposition and larger for a truncated one."""
    M, E = np.asarray(M, dtype=np.float64), np.asarray(E, dtype=np.float64)
    norms = np.linalg.norm(E, axis=0)
    kept = norms > 1e-12
    U, s2 = E[:, kept] / norms[kept], norms[kept] ** (2 / power)
    residual = np.linalg.norm(M @ (M.T @ U) - U * s2, axis=0) / s2
    worst = float(residual.max()) if residual.size else 0.0
    if worst < 1e-6:
        return (f"svd_embeddings took {seconds:.1f} s for exact singular vectors (M M^T u = s^2 u holds to\n"
                f"rounding, {worst:.0e}): a full decomposition. The randomized range finder of the lesson's\n"
                f"section 4 gets the top directions in a fraction of the time.")
    text = (f"svd_embeddings took {seconds:.1f} s for approximate singular vectors (M M^T u = s^2 u holds to\n"
            f"{np.median(residual):.0e}, worst {worst:.0e}; a full decomposition gives rounding, 1e-12): a "
            f"truncated decomposition.")
    if worst > 0.5:
        text += "\nThat is far from the top singular directions: more power iterations, or check the code."
    return text


def save_picture(vectors, index, path="demo-cooccurrence.png"):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("\nNo picture: matplotlib is not installed (pip install matplotlib).")
        return
    groups = {g: [w for w in ws if w in index] for g, ws in PICTURE_GROUPS.items()}
    chosen = [w for ws in groups.values() for w in ws]
    fig, axes = plt.subplots(1, len(vectors), figsize=(6 * len(vectors), 5.5))
    for ax, (name, U) in zip(np.atleast_1d(axes), vectors.items()):
        X = U[[index[w] for w in chosen]]
        X = X - X.mean(axis=0)
        _, _, Vt = np.linalg.svd(X, full_matrices=False)
        xy = dict(zip(chosen, X @ Vt[:2].T))  # the two principal components of these words
        for group, ws in groups.items():
            points = np.array([xy[w] for w in ws])
            ax.scatter(points[:, 0], points[:, 1], label=group)
            for w in ws:
                ax.annotate(w, xy[w], fontsize=8, xytext=(3, 3), textcoords="offset points")
        ax.set_title(f"{name}: 2-D PCA of {len(chosen)} words")
        ax.set_xticks([])
        ax.set_yticks([])
    np.atleast_1d(axes)[0].legend(loc="best", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    print(f"\nSaved {Path(path).resolve()}")
