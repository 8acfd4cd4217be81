"""Demo of kata 9: word vectors learned by predicting the next word, on CPython's own documentation.

    python grader.py --demo next_word               your functions (katas/next_word.py)
    python grader.py --demo next_word --solutions   the reference
    python grader.py --demo next_word --plot        also save demo-next_word.png (needs matplotlib)

The corpus is kata 3's (demos/corpus.py): the English that ships with Python. Every tenth
sentence is held out; the vocabulary is the VOCAB most frequent words of the other nine tenths
(count descending, ties alphabetical, as kata 3's build_vocab orders them), and id VOCAB is the
padding. Your context_windows turns both parts into windows of CONTEXT words, your
train_next_word learns a table from the training windows alone, and your perplexity scores
three models on both parts: uniform (W = b = 0), unigram (W = 0, b = log of the training
frequencies) and the trained one. Then the nearest neighbours of a few words by cosine in the
learned table, next to those of kata 3's skip-gram (train_sgns, on the same sentences and
vocabulary), where your kata 3 is written.
"""

from __future__ import annotations

import importlib.util
import time
from collections import Counter
from pathlib import Path

import numpy as np

NEEDS = {"next_word": ("context_windows", "train_next_word", "perplexity")}  # what run() calls (grading/demos.py)

VOCAB = 1000     # the most frequent training words; the softmax costs O(VOCAB) per window
CONTEXT = 3
DIM = 32
EPOCHS = 3
LR = 10.0        # see the lesson: each row of E gets only a small share of a batch's mean gradient
BATCH = 256
HELD_OUT = 10    # every HELD_OUT-th sentence is held out
SAMPLE = 20_000  # training windows the training perplexities are measured on
PROBES = ("list", "string", "file", "error", "read", "true", "is", "if", "the", "return")
NEIGHBOURS = 5
PICTURE_GROUPS = {
    "determiners": ("the", "a", "an", "this", "its", "each", "any", "every"),
    "verbs": ("is", "are", "was", "returns", "raises", "contains", "takes", "gives"),
    "nouns": ("list", "string", "file", "object", "value", "name", "function", "module"),
    "prepositions": ("of", "in", "for", "with", "from", "to", "on", "by"),
}


def _helper(name):
    """A helper module of the demos (demos/<name>.py), imported by path."""
    spec = importlib.util.spec_from_file_location(f"_demo_{name}", Path(__file__).with_name(f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_corpus():
    return _helper("corpus")


step = _helper("_progress").step
print_table = _helper("_shared").print_table


def vocabulary(sentences, size):
    counts = Counter(word for sentence in sentences for word in sentence)
    return [w for w, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:size]]


def encode(sentences, index):
    return [np.array([index[w] for w in sentence if w in index], dtype=np.int64) for sentence in sentences]


def unit(E):
    E = np.asarray(E, dtype=np.float64)
    return E / np.maximum(np.linalg.norm(E, axis=1, keepdims=True), 1e-12)


def nearest(U, i, n):
    scores = U @ U[i]
    scores[i] = -np.inf
    return [int(j) for j in np.argsort(-scores)[:n]]


def run(load, plot=False) -> int:
    kata = load("next_word")
    corpus = load_corpus()
    print("Kata 9 on real text: a table learned by predicting the next word of Python's documentation.\n")
    started = time.perf_counter()

    first = "collecting the corpus (first run; cached in demos/.cache for next time)"
    with step("reading the corpus" if corpus.cached() else first):
        sentences = corpus.sentences(verbose=False)
    with step(f"the vocabulary, and windows of {CONTEXT} words by your context_windows"):
        training = [s for i, s in enumerate(sentences) if i % HELD_OUT]
        held_out = sentences[::HELD_OUT]
        words = vocabulary(training, VOCAB)
        V, pad = len(words) + 1, len(words)
        index = {w: i for i, w in enumerate(words)}
        encoded, encoded_held_out = encode(training, index), encode(held_out, index)
        X, y = (np.asarray(a) for a in kata.context_windows(encoded, CONTEXT, pad))
        X_held_out, y_held_out = (np.asarray(a) for a in kata.context_windows(encoded_held_out, CONTEXT, pad))
    with step(f"training next_word: {DIM} dimensions, {EPOCHS} epochs, lr {LR:g}, batches of {BATCH}"):
        E, W, b, losses = kata.train_next_word(encoded, V, pad, dim=DIM, context=CONTEXT, epochs=EPOCHS,
                                               lr=LR, batch_size=BATCH, seed=0)
        E, W, b, losses = (np.asarray(a, dtype=np.float64) for a in (E, W, b, losses))
    with step(f"perplexities by your perplexity, on {SAMPLE:,} training windows and the held-out ones"):
        frequencies = np.bincount(y, minlength=V) / len(y)
        sample = np.sort(np.random.default_rng(0).choice(len(y), size=min(SAMPLE, len(y)), replace=False))
        zeros = np.zeros_like(W)
        models = {
            "uniform (W = 0, b = 0)": (E, zeros, np.zeros(V)),
            "unigram (W = 0, b = log p)": (E, zeros, np.log(np.maximum(frequencies, 1e-12))),
            "next_word, trained": (E, W, b),
        }
        scores = {name: [kata.perplexity(*m, X[sample], y[sample], pad),
                         kata.perplexity(*m, X_held_out, y_held_out, pad)]
                  for name, m in models.items()}
    sgns = None
    try:
        cooccurrence = load("cooccurrence")
        with step(f"kata 3's train_sgns on the same sentences, window {corpus.WINDOW}, {corpus.EPOCHS} epochs"):
            sgns, _ = cooccurrence.train_sgns(encoded, len(words), dim=corpus.SGNS_DIM, window=corpus.WINDOW,
                                              epochs=corpus.EPOCHS, lr=corpus.LR, seed=0)
    except NotImplementedError:
        print("\n  (no skip-gram column: kata 3's train_sgns is not written yet; add --solutions to see it)")

    n_tokens = sum(map(len, sentences))
    print(f"\n{len(sentences):,} sentences, {n_tokens:,} words; {len(y):,} training windows, "
          f"{len(y_held_out):,} held out. Vocabulary: the {len(words)}\nmost frequent training words "
          f"and the padding, V = {V}. Done in {time.perf_counter() - started:.1f} s.")

    entropy = -np.sum(frequencies[frequencies > 0] * np.log(frequencies[frequencies > 0]))
    print(f"\nPerplexity (exp of the mean cross-entropy; lower is better), on {len(sample):,} of the training "
          f"windows\nand on the held-out ones. On all training windows the unigram model scores exp(entropy "
          f"of the\nword frequencies) = exp({entropy:.3f}) = {np.exp(entropy):.1f}; the uniform one scores V.\n")
    rows = [[name, f"{train:.1f}", f"{held:.1f}"] for name, (train, held) in scores.items()]
    rows[-1:-1] = [[f"next_word, epoch {e + 1} *", f"{np.exp(loss):.1f}", ""] for e, loss in enumerate(losses)]
    print_table(["model", "training", "held out"], rows)
    print("  * exp(losses[e]) of train_next_word: the mean over all training windows while it learned")

    tables = {"next_word E": unit(E)}
    if sgns is not None:
        tables["kata 3's SGNS"] = unit(sgns)
    probes = [w for w in PROBES if w in index]
    print("\nNearest neighbours by cosine:\n")
    print_table(["word", *tables], [[w] + [" ".join(words[i] for i in nearest(U[:len(words)], index[w], NEIGHBOURS))
                                          for U in tables.values()] for w in probes])
    print("\nNothing told the table what a word means: it only had to predict what comes next. Words\n"
          "followed by the same words get the same nudges, so they end up close, by the role they play\n"
          "in a sentence (\"is\" next to \"was\" and \"are\", \"if\" next to \"when\" and \"unless\").\n"
          "Skip-gram looks at both sides of a word, and its neighbours lean more towards topics. On the\n"
          "held-out sentences, never trained on, the trained model beats the unigram one, which knows\n"
          "only how frequent each word is.")
    if plot:
        save_picture(unit(E), index)
    return 0


def save_picture(U, index, path="demo-next_word.png"):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("\nNo picture: matplotlib is not installed (pip install matplotlib).")
        return
    groups = {g: [w for w in ws if w in index] for g, ws in PICTURE_GROUPS.items()}
    chosen = [w for ws in groups.values() for w in ws]
    X = U[[index[w] for w in chosen]]
    X = X - X.mean(axis=0)
    _, _, Vt = np.linalg.svd(X, full_matrices=False)
    xy = dict(zip(chosen, X @ Vt[:2].T))  # the two principal components of these words
    fig, ax = plt.subplots(figsize=(7, 5.5))
    for group, ws in groups.items():
        points = np.array([xy[w] for w in ws])
        ax.scatter(points[:, 0], points[:, 1], label=group)
        for w in ws:
            ax.annotate(w, xy[w], fontsize=8, xytext=(3, 3), textcoords="offset points")
    ax.set_title(f"next_word's table E: 2-D PCA of {len(chosen)} words")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.legend(loc="best", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    print(f"\nSaved {Path(path).resolve()}")
