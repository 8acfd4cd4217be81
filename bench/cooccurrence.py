"""How fast, and how good, are the reference counts, PPMI-SVD and SGNS? A script, not a test:

    python bench/cooccurrence.py                 the whole report
    python bench/cooccurrence.py --readme        the same runs, then the README's table alone
    python bench/cooccurrence.py --min-count 5 --runs 1 --exact-svd

1. Counting: tokens per second of cooccurrence_matrix against a plain Python counter of
   (w, c) pairs (collections.Counter), on the corpus of the demos (CPython's docstrings).
2. Embeddings, where gensim is installed (it is never a dependency of the katas; pip install
   gensim): PPMI-SVD (build_vocab, encode, counts, ppmi, svd_embeddings), SGNS (build_vocab,
   encode, train_sgns) and gensim's Word2Vec (sg=1, negative=5, workers=1) side by side, on one
   vocabulary and one window. Word2Vec runs twice: on the very pairs the reference sees (no
   subsampling, no shrinking window) and with its own defaults for those.
   The corpus is the shortened English Wikipedia dump of gensim's test data (enwiki-latest-
   pages-articles1...-shortened.bz2), its markup stripped here with the standard library and
   tokenized as the demos do (--with-demo-corpus adds the demos' CPython corpus). The scores,
   on the pairs and questions the vocabulary covers: Spearman's rho between cosine and the
   human judgements of wordsim353 and simlex999, and the accuracy on questions-words.txt by
   3CosAdd and 3CosMul (kata 2's definitions, solutions/similarity.py), each with a bootstrap
   95% interval; then each method against Word2Vec on the same pairs, as a paired bootstrap
   interval of the difference.
   Words per second: words of the corpus (in the vocabulary) times epochs, over wall time; the
   median of --runs rounds, the methods taking turns in each round so that a busy moment
   slows all of them, and the ratios to Word2Vec are medians of each round's ratio.
   Without gensim, both reference methods run on 60,000 words of the demos' corpus, unscored.

numpy runs on one core (as Word2Vec with workers=1) unless OPENBLAS_NUM_THREADS says otherwise.

Targets: SGNS trains at least as many words per second as Word2Vec on the same pairs and at
least half as many as Word2Vec with its defaults; PPMI-SVD takes less time than Word2Vec with
its defaults; both score like Word2Vec within the intervals, or better.
"""

from __future__ import annotations

import argparse
import bz2
import importlib.util
import os
import re
import sys
import time
import xml.etree.ElementTree as ET
import zlib
from collections import Counter
from pathlib import Path

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")  # one core for numpy, as for Word2Vec with workers=1

import numpy as np  # noqa: E402  (after the thread settings, which it reads once)

ROOT = Path(__file__).resolve().parents[1]
WIKIPEDIA = "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
PPMI, SGNS = "PPMI-SVD (reference)", "SGNS (reference)"
SAME, DEFAULTS = "gensim Word2Vec, same pairs", "gensim Word2Vec, its defaults"


def load_module(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def best_time(fn, repeats):
    runs = [timed(fn) for _ in range(repeats)]
    return min(t for t, _ in runs), runs[-1][1]


# ---------------------------------------------------------------- 1. counting

def count_with_dict(encoded, window):
    """The same counts as cooccurrence_matrix (uniform weights), one pair at a time."""
    counts = Counter()
    for ids in encoded:
        ids = ids.tolist()
        for p, w in enumerate(ids):
            for q in range(max(0, p - window), min(len(ids), p + window + 1)):
                if q != p:
                    counts[w, ids[q]] += 1
    return counts


def as_matrix(counts, V):
    C = np.zeros((V, V))
    if counts:
        pairs = np.array(list(counts), dtype=np.intp)
        C[pairs[:, 0], pairs[:, 1]] = list(counts.values())
    return C


def counting(ref, corpus, repeats):
    sentences = corpus.sentences()
    words, _ = ref.build_vocab(sentences)
    words = words[:corpus.VOCAB]
    encoded = ref.encode(sentences, words)
    tokens = sum(map(len, encoded))
    print(f"1. Counting co-occurrences: the demos' corpus (CPython's docstrings and help topics), "
          f"{tokens:,} tokens\n   in a vocabulary of {len(words)} words; cooccurrence_matrix: best of {repeats}.\n")
    print(f"   {'window':>6}  {'cooccurrence_matrix':>20}  {'Counter, Python loop':>20}  {'ratio':>6}  same counts")
    for window in (2, 5):
        t_ref, C = best_time(lambda w=window: ref.cooccurrence_matrix(encoded, len(words), window=w), repeats)
        t_dict, counts = timed(lambda w=window: count_with_dict(encoded, w))
        same = np.array_equal(C, as_matrix(counts, len(words)))
        print(f"   {window:>6}  {tokens / t_ref / 1e6:>11.2f} M tok/s  {tokens / t_dict / 1e6:>11.2f} M tok/s  "
              f"{t_dict / t_ref:>5.0f}x  {'yes' if same else 'NO'}")


# ---------------------------------------------------------------- the corpus

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_REF = re.compile(r"<ref[^>/]*/>|<ref[^>]*>.*?</ref>", re.S | re.I)
_TEMPLATE = re.compile(r"\{\{[^{}]*\}\}|\{\|[^{}]*?\|\}", re.S)       # innermost first
_FILE = re.compile(r"\[\[(?:file|image|category|media|[a-z]{2,3}(?:-[a-z]+)?):"
                   r"[^\[\]]*(?:\[\[[^\[\]]*\]\][^\[\]]*)*\]\]", re.I)  # also interlanguage links
_LINK = re.compile(r"\[\[(?:[^\[\]|]*\|)?([^\[\]]*)\]\]")               # [[target|text]] -> text
_EXTERNAL = re.compile(r"\[\w+://\S*\s?([^\]]*)\]")                     # [url text] -> text
_URL = re.compile(r"\w+://\S+")
_TAG = re.compile(r"<[^>]{0,200}>")
_HEADING = re.compile(r"^=+.*?=+\s*$", re.M)
_LIST = re.compile(r"^[*#:;]+\s*", re.M)
_MARKUP = re.compile(r"'{2,}|&nbsp;|__\w+__")


def plain_text(wikitext):
    """The prose of an article's wiki markup: no comments, references, templates, tables,
    files, categories or tags; links and bold or italic text reduced to their words; headings
    become paragraph breaks."""
    text = _REF.sub(" ", _COMMENT.sub(" ", wikitext))
    for _ in range(20):  # nested templates, from the inside out
        text, n = _TEMPLATE.subn(" ", text)
        if not n:
            break
    text = _EXTERNAL.sub(r"\1", _LINK.sub(r"\1", _FILE.sub(" ", text)))
    text = _TAG.sub(" ", _URL.sub(" ", text))
    return _MARKUP.sub("", _LIST.sub("", _HEADING.sub("\n\n", text)))


def wikipedia_articles(path):
    """The plain text of each article (namespace 0, not a redirect) of a MediaWiki XML dump."""
    with bz2.open(path) as f:
        for _, element in ET.iterparse(f):
            if element.tag.rpartition("}")[2] != "page":
                continue
            text = element.findtext("{*}revision/{*}text") or ""
            if element.findtext("{*}ns") == "0" and not text.lstrip().lower().startswith("#redirect"):
                yield plain_text(text)
            element.clear()


def read_pairs(path):
    """(word, word, score) rows of a word-similarity file, lowercased; # lines are comments."""
    with open(path, encoding="utf-8") as f:
        rows = [line.rstrip("\n").split("\t") for line in f if line.strip() and not line.startswith("#")]
    return [(a.lower(), b.lower(), float(s)) for a, b, s, *_ in rows]


def read_questions(path):
    with open(path, encoding="utf-8") as f:
        return [tuple(line.lower().split()) for line in f if line.strip() and not line.startswith(":")]


def shared_corpus(corpus, with_demo_corpus):
    """(sentences, description, tests): the Wikipedia sample and the test sets of gensim's test
    data where gensim is installed, else a slice of the demos' corpus and tests None."""
    try:
        from gensim.test.utils import datapath
    except ImportError:
        return corpus.sentences(max_tokens=60_000), "the first 60,000 words of the demos' corpus", None
    start = time.perf_counter()
    articles = list(wikipedia_articles(datapath(WIKIPEDIA)))
    sentences = [s for text in articles for s in corpus.tokenize(text) if len(s) >= 2]
    description = f"{len(articles)} Wikipedia articles (gensim's test data, {WIKIPEDIA[:28]}...)"
    if with_demo_corpus:
        sentences += corpus.sentences(verbose=False)
        description += " and the demos' CPython corpus"
    description += f", cleaned in {time.perf_counter() - start:.1f} s"
    tests = {"wordsim353": read_pairs(datapath("wordsim353.tsv")),
             "simlex999": read_pairs(datapath("simlex999.txt")),
             "questions": read_questions(datapath("questions-words.txt"))}
    return sentences, description, tests


# ---------------------------------------------------------------- scores

def ranks(v):
    """Ranks from 0, tied values sharing their mean rank."""
    v = np.asarray(v, dtype=np.float64)
    r = np.empty(len(v))
    r[np.argsort(v, kind="stable")] = np.arange(len(v))
    _, group, size = np.unique(v, return_inverse=True, return_counts=True)
    return (np.bincount(group, weights=r) / size)[group]


def spearman(x, y):
    """Spearman's rho: Pearson's correlation of the ranks."""
    return float(np.corrcoef(ranks(x), ranks(y))[0, 1])


def unit(E):
    E = np.asarray(E, dtype=np.float64)
    return E / np.maximum(np.linalg.norm(E, axis=1, keepdims=True), 1e-12)


def analogy_hits(sim, E, index, questions, method, batch=256):
    """1.0 where kata 2's analogy(E, a, b, c, method=method) returns d, else 0.0, question by
    question: the same scores, taken for a batch of questions at once (a few are checked against
    sim.analogy itself)."""
    ids = np.array([[index[w] for w in q] for q in questions], dtype=np.intp).reshape(-1, 4)
    hits = np.zeros(len(ids))
    for start in range(0, len(ids), batch):
        a, b, c, d = ids[start:start + batch].T
        cos = sim.cosine_similarity(E, E[np.concatenate([a, b, c])]).reshape(len(E), 3, -1)
        if method == "3cosadd":
            scores = cos[:, 1] - cos[:, 0] + cos[:, 2]
        else:
            shifted = (cos + 1.0) / 2.0
            scores = shifted[:, 1] * shifted[:, 2] / (shifted[:, 0] + 1e-3)
        columns = np.arange(len(a))
        for excluded in (a, b, c):
            scores[excluded, columns] = -np.inf
        best = np.argmax(scores, axis=0)
        hits[start:start + batch] = best == d
        for i in range(min(2, len(a))) if start == 0 else ():
            assert best[i] == sim.analogy(E, a[i], b[i], c[i], method=method)[0], "not kata 2's analogy"
    return hits


class Scores:
    """Per test set, what each method scores, and bootstrap intervals over the items."""

    def __init__(self, tests, vocabulary, n_boot, seed):
        kept = set(vocabulary)
        self.pairs = {name: [p for p in tests[name] if p[0] in kept and p[1] in kept]
                      for name in ("wordsim353", "simlex999")}
        self.totals = {name: len(tests[name]) for name in (*self.pairs, "questions")}
        self.questions = [q for q in tests["questions"] if all(w in kept for w in q)]
        self.resample = {name: np.random.default_rng(seed).integers(0, n, size=(n_boot, n))
                         for name, n in [(k, len(v)) for k, v in self.pairs.items()]
                         + [("questions", len(self.questions))] if n}
        self.sim = load_module("similarity_reference", ROOT / "solutions" / "similarity.py")
        self.items = {}  # (method, test) -> (cosines, human) or hits

    def add(self, method, words, E):
        index = {w: i for i, w in enumerate(words)}
        U = unit(E)
        for name, pairs in self.pairs.items():
            cosines = np.array([U[index[a]] @ U[index[b]] for a, b, _ in pairs])
            self.items[method, name] = (cosines, np.array([s for *_, s in pairs]))
        for method_name in ("3cosadd", "3cosmul"):
            self.items[method, method_name] = analogy_hits(self.sim, U, index, self.questions, method_name)

    def counts(self):
        return {"wordsim353": len(self.pairs["wordsim353"]), "simlex999": len(self.pairs["simlex999"]),
                "3cosadd": len(self.questions), "3cosmul": len(self.questions)}

    def _value(self, method, test, rows=None):
        item = self.items[method, test]
        if test in ("3cosadd", "3cosmul"):
            return float(item.mean() if rows is None else item[rows].mean())
        cosines, human = item if rows is None else (item[0][rows], item[1][rows])
        return spearman(cosines, human)

    def _draws(self, method, test):
        key = "questions" if test in ("3cosadd", "3cosmul") else test
        return np.array([self._value(method, test, rows) for rows in self.resample[key]])

    def interval(self, method, test):
        """(value, low, high): the score and its bootstrap 95% interval."""
        lo, hi = np.percentile(self._draws(method, test), [2.5, 97.5])
        return self._value(method, test), float(lo), float(hi)

    def difference(self, method, other, test):
        """(value, low, high) of score(method) - score(other), the same items resampled for both."""
        draws = self._draws(method, test) - self._draws(other, test)
        lo, hi = np.percentile(draws, [2.5, 97.5])
        return self._value(method, test) - self._value(other, test), float(lo), float(hi)


# ---------------------------------------------------------------- 2. embeddings

def gensim_runs(args):
    """{label: train(sentences) -> (words, vectors)} for Word2Vec, and a note on it."""
    try:
        import gensim
        from gensim.models import Word2Vec
    except ImportError:
        return {}, ("gensim is not installed, so Word2Vec's columns, the Wikipedia sample and the scores are "
                    "left out:\n   pip install gensim to compare with Word2Vec on its test data.")
    common = dict(vector_size=args.dim, window=args.window, epochs=args.epochs, sg=1, negative=5,
                  workers=1, min_count=1, alpha=args.lr, min_alpha=args.lr * 1e-4, seed=args.seed,
                  hashfxn=lambda text: zlib.crc32(text.encode()))  # repeatable starting vectors
    variants = {SAME: dict(sample=0, shrink_windows=False), DEFAULTS: dict(sample=1e-3, shrink_windows=True)}

    def trainer(extra):
        def train(sentences):
            wv = Word2Vec(sentences, **common, **extra).wv
            return list(wv.index_to_key), wv.vectors
        return train
    return {label: trainer(extra) for label, extra in variants.items()}, f"gensim {gensim.__version__}"


def interval_text(value, lo, hi, percent=False):
    if percent:
        return f"{100 * value:.1f}% [{100 * lo:.1f}, {100 * hi:.1f}]"
    return f"{value:+.3f} [{lo:+.2f}, {hi:+.2f}]"


def embeddings(ref, corpus, args):
    sentences, source, tests = shared_corpus(corpus, args.with_demo_corpus)

    def vocabulary():
        words, _ = ref.build_vocab(sentences, min_count=args.min_count)
        words = words[:args.max_vocab]
        return words, ref.encode(sentences, words)

    def ppmi_svd(exact=False):
        words, encoded = vocabulary()
        C = ref.cooccurrence_matrix(encoded, len(words), window=args.window)
        M = ref.ppmi(C)
        if exact:  # the full decomposition, as the lesson's plain version: eigh of M M^T
            eigenvalues, vectors = np.linalg.eigh(M @ M.T)
            top = np.argsort(eigenvalues)[::-1][:args.dim]
            return words, vectors[:, top] * np.sqrt(np.clip(eigenvalues[top], 0, None)) ** 0.5
        return words, ref.svd_embeddings(M, args.dim)

    def sgns():
        words, encoded = vocabulary()
        W, _ = ref.train_sgns(encoded, len(words), dim=args.dim, window=args.window,
                              epochs=args.epochs, lr=args.lr, seed=args.seed)
        return words, W

    words, encoded = vocabulary()
    tokens = sum(map(len, encoded))
    kept = set(words)
    filtered = [[t for t in s if t in kept] for s in sentences]  # the same tokens for gensim
    others, note = gensim_runs(args)
    runs = {PPMI: ppmi_svd, SGNS: sgns, **{label: (lambda train=train: train(filtered)) for label, train in others.items()}}
    if args.exact_svd:
        runs = {"PPMI-SVD, full decomposition": lambda: ppmi_svd(exact=True), **runs}
    passes = {label: 1 if label.startswith("PPMI") else args.epochs for label in runs}

    trainers = "SGNS and Word2Vec" if others else "SGNS"
    print(f"\n2. Embeddings on {source}:\n   {tokens:,} tokens in a vocabulary of {len(words):,} words "
          f"(min_count {args.min_count}); dim {args.dim}, window {args.window}; {trainers}: {args.epochs} "
          f"epoch{'s' * (args.epochs > 1)}, 5 negatives, lr {args.lr:g}.\n"
          f"   Median of {args.runs} run{'s' * (args.runs > 1)}. {note}\n")
    seconds, vectors = {label: [] for label in runs}, {}
    for _ in range(args.runs):
        for label, run in runs.items():  # in turn, so that a busy moment slows all of them
            t, vectors[label] = timed(run)
            seconds[label].append(t)
    median = {label: float(np.median(ts)) for label, ts in seconds.items()}
    speed = {label: tokens * passes[label] / median[label] for label in runs}

    def ratio(label, other):  # the median of each round's ratio of words/s
        return float(np.median([(tokens * passes[label] / a) / (tokens * passes[other] / b)
                                for a, b in zip(seconds[label], seconds[other])]))

    head = f"   {'':<31} {'wall s':>7} {'words/s':>10}"
    if others:
        head += f" {'vs same pairs':>14} {'vs defaults':>12}"
    print(head)
    for label in runs:
        line = f"   {label:<31} {median[label]:>7.2f} {speed[label]:>10,.0f}"
        if others:
            line += f" {ratio(label, SAME):>13.2f}x {ratio(label, DEFAULTS):>11.2f}x"
        print(line)
    result = dict(runs=list(runs), median=median, speed=speed, tokens=tokens, vocabulary=len(words),
                  source=source, args=args, note=note)
    if not others or tests is None:
        return result

    scores = Scores(tests, words, args.bootstrap, args.seed)
    for label, (w, E) in vectors.items():
        scores.add(label, w, E)
    n = scores.counts()
    print(f"\n   Scores with their bootstrap 95% intervals ({args.bootstrap} resamples of the covered items):\n")
    print(f"   {'':<31} {'wordsim353 rho':>22} {'simlex999 rho':>22} {'3CosAdd':>20} {'3CosMul':>20}")
    print(f"   {'covered':<31} {n['wordsim353']:>14} of {scores.totals['wordsim353']:<5}"
          f" {n['simlex999']:>14} of {scores.totals['simlex999']:<5}"
          f" {n['3cosadd']:>12,} of {scores.totals['questions']:<6,} {'':>20}")
    table = {}
    for label in runs:
        row = [scores.interval(label, t) for t in ("wordsim353", "simlex999", "3cosadd", "3cosmul")]
        table[label] = row
        print(f"   {label:<31} {interval_text(*row[0]):>22} {interval_text(*row[1]):>22}"
              f" {interval_text(*row[2], percent=True):>20} {interval_text(*row[3], percent=True):>20}")
    print(f"\n   Minus {SAME} (a paired bootstrap: the same items resampled for both; an interval"
          f" that excludes 0\n   is a real difference):\n")
    for label in runs:
        if label == SAME:
            continue
        row = [scores.difference(label, SAME, t) for t in ("wordsim353", "simlex999", "3cosadd", "3cosmul")]
        print(f"   {label:<31} {interval_text(*row[0]):>22} {interval_text(*row[1]):>22}"
              f" {interval_text(*row[2], percent=True):>20} {interval_text(*row[3], percent=True):>20}")

    print(f"\n   {'targets':<36}{'result':>20}")
    checks = (
        ("SGNS words/s >= 1.0x same pairs", ratio(SGNS, SAME) >= 1.0, f"{ratio(SGNS, SAME):.2f}x"),
        ("SGNS words/s >= 0.5x defaults", ratio(SGNS, DEFAULTS) >= 0.5, f"{ratio(SGNS, DEFAULTS):.2f}x"),
        ("PPMI-SVD time < defaults' time", median[PPMI] < median[DEFAULTS],
         f"{median[PPMI] / median[DEFAULTS]:.2f}x the time"),
    )
    for label, ok, text in checks:
        print(f"   {label:<36}{('yes' if ok else 'no') + ' (' + text + ')':>20}")
    result.update(scores=scores, table=table, ratio=ratio)
    return result


def readme_table(result):
    """The README's table: one row per method, in Markdown."""
    args, runs = result["args"], result["runs"]
    if "table" not in result:
        return "(no table: gensim is not installed, so nothing is scored)"
    n, totals = result["scores"].counts(), result["scores"].totals
    ratio = result["ratio"]
    lines = [
        f"| method | wall s | words/s | vs Word2Vec, same pairs | vs Word2Vec, defaults | wordsim353 rho "
        f"({n['wordsim353']} pairs) | simlex999 rho ({n['simlex999']} pairs) | 3CosAdd ({n['3cosadd']:,} questions) "
        f"| 3CosMul |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label in runs:
        ws, sl, add, mul = result["table"][label]
        lines.append(f"| {label} | {result['median'][label]:.2f} | {result['speed'][label]:,.0f} | "
                     f"{ratio(label, SAME):.2f}x | {ratio(label, DEFAULTS):.2f}x | {interval_text(*ws)} | "
                     f"{interval_text(*sl)} | {interval_text(*add, percent=True)} | {interval_text(*mul, percent=True)} |")
    lines.append("")
    lines.append(f"{result['source'].split(', cleaned')[0]}: {result['tokens']:,} tokens, a vocabulary of "
                 f"{result['vocabulary']:,} words (min_count {args.min_count}); dim {args.dim}, window {args.window}, "
                 f"{args.epochs} epochs, 5 negatives, lr {args.lr:g}; covered: {n['wordsim353']} of "
                 f"{totals['wordsim353']} wordsim353 pairs, {n['simlex999']} of {totals['simlex999']} simlex999 "
                 f"pairs, {n['3cosadd']:,} of {totals['questions']:,} questions. Wall times: the median of "
                 f"{args.runs} runs, one core each; intervals: bootstrap 95%. {result['note']}, numpy {np.__version__}, "
                 f"Python {sys.version.split()[0]}.")
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dim", type=int, default=100)
    p.add_argument("--window", type=int, default=5)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--min-count", type=int, default=10,
                   help="the vocabulary: words seen this often (10: 4,980 words of the Wikipedia sample, "
                        "164 wordsim353 and 310 simlex999 pairs; 5: 8,597 words, 231 and 487 pairs, and "
                        "PPMI-SVD's V x V matrices three times the work)")
    p.add_argument("--max-vocab", type=int, default=20_000, help="at most this many words (the counts are V x V)")
    p.add_argument("--lr", type=float, default=0.025)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--repeats", type=int, default=3, help="timed runs of cooccurrence_matrix; the best counts")
    p.add_argument("--runs", type=int, default=3, help="timed runs of each embedding method; the median counts")
    p.add_argument("--bootstrap", type=int, default=1000, help="resamples for each interval")
    p.add_argument("--with-demo-corpus", action="store_true", help="add the demos' CPython corpus to Wikipedia's")
    p.add_argument("--exact-svd", action="store_true",
                   help="also PPMI-SVD by the full decomposition (eigh of M M^T: minutes for 10,000 words)")
    p.add_argument("--readme", action="store_true", help="end with the README's table (Markdown)")
    args = p.parse_args(argv)

    print(f"numpy {np.__version__}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs\n")
    ref = load_module("cooccurrence_reference", ROOT / "solutions" / "cooccurrence.py")
    corpus = load_module("demo_corpus", ROOT / "demos" / "corpus.py")
    counting(ref, corpus, args.repeats)
    result = embeddings(ref, corpus, args)
    if args.readme:
        print("\n" + readme_table(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
