"""The demos' corpus: English prose about programming that ships with CPython itself.

Nothing to download. The text is the language reference behind help() (pydoc_data.topics)
and the docstrings of the standard library's modules, classes and functions, read from the
folder sysconfig.get_paths()["stdlib"] names with ast (no module is imported). Tests,
idlelib, site-packages and a few other folders are left out, and so are doctest examples
(from a >>> line to the next blank line). The text is lowercased, split into sentences at
. ! ? before a space and at blank lines, and into words of the letters a-z; sentences of
fewer than 4 words, and repeats of a sentence (boilerplate), are dropped. On CPython 3.11:
about 270,000 words in 20,000 sentences.

Collecting takes a few seconds, so the first run caches the tokens in demos/.cache/ (one
file per Python version; git-ignored) and says so; later runs read them in a blink.

For the demos (`load` is the function a demo's run() receives):

    sentences(max_tokens=None, verbose=True) -> list[list[str]]
        the corpus in a fixed order; with max_tokens, its first sentences up to that many words
        (a fresh list each call). Collecting prints a note unless verbose is False.
    cached() -> bool
        whether sentences() will read the cache rather than collect
    tokenize(text) -> list[list[str]]
        the same sentences and words from any text
    vocabulary(load, vocab=VOCAB, max_tokens=None) -> (words, encoded)
        the vocab most frequent words, by the kata's build_vocab, and the corpus encoded with
        them by its encode
    ppmi_svd_vectors(load, dim=SVD_DIM, vocab=VOCAB, window=WINDOW, max_tokens=None) -> (words, E)
        counts -> ppmi -> svd_embeddings
    sgns_vectors(load, dim=SGNS_DIM, vocab=VOCAB, window=WINDOW, epochs=EPOCHS, lr=LR,
                 seed=0, max_tokens=None) -> (words, W)
        train_sgns; W is its W_in

The vectors come from the functions of kata 3 (load("cooccurrence"): the learner's own, or the
reference). They are computed on every call and never cached: the learner's code changes.
"""

from __future__ import annotations

import ast
import gzip
import os
import platform
import re
import sys
import sysconfig
import time
from pathlib import Path

VOCAB = 2000     # the most frequent words; the SVD of a VOCAB x VOCAB matrix costs O(VOCAB^3)
WINDOW = 2
SVD_DIM = 100
SGNS_DIM = 50
EPOCHS = 2
LR = 0.05        # twice train_sgns's default: 2 epochs over a small corpus

MIN_WORDS = 4
SKIPPED = {"test", "tests", "idlelib", "site-packages", "dist-packages", "lib2to3",
           "turtledemo", "pydoc_data", "ensurepip"}
CACHE = Path(__file__).resolve().parent / ".cache"
_FORMAT = 2  # bump when the collecting or the tokenizing changes: it renames the cache file

_WORD = re.compile(r"[a-z]+")
_BREAK = re.compile(r"[.!?]+(?=\s|$)|\n\s*\n")
_sentences = None


def cache_path() -> Path:
    version = f"{sys.implementation.name}-{platform.python_version()}"
    return CACHE / f"corpus-{version}-v{_FORMAT}.txt.gz"


def cached() -> bool:
    return _sentences is not None or cache_path().exists()


def sentences(max_tokens: int | None = None, verbose: bool = True) -> list:
    global _sentences
    if _sentences is None:
        _sentences = _read_cache()
    if _sentences is None:
        start = time.perf_counter()
        if verbose:
            print("collecting the corpus from CPython's docstrings and help topics "
                  "(first run only: it is cached in demos/.cache) ...", end=" ", flush=True)
        unique = {" ".join(s): s for part in _collected() for s in part}
        _sentences = list(unique.values())  # in order of first appearance; boilerplate once
        if not _sentences:
            raise SystemExit("No English text found in this Python's standard library: "
                             f"{sysconfig.get_paths()['stdlib']} holds no .py sources.")
        _write_cache(_sentences)
        if verbose:
            print(f"{time.perf_counter() - start:.1f} s")
    out, total = [], 0
    for s in _sentences:
        if max_tokens is not None and total + len(s) > max_tokens:
            break
        out.append(list(s))
        total += len(s)
    return out


def tokenize(text: str) -> list:
    """Sentences of lowercase words, doctest examples left out."""
    kept, in_example = [], False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(">>>"):
            in_example = True
        elif not stripped:
            in_example = False
        if not in_example:
            kept.append(line)
    return [_WORD.findall(part) for part in _BREAK.split("\n".join(kept).lower())]


def _sources() -> list:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    found = []
    for folder, subfolders, files in os.walk(stdlib):
        subfolders[:] = sorted(d for d in subfolders if d not in SKIPPED and not d.startswith((".", "__")))
        found += [Path(folder, name) for name in sorted(files) if name.endswith(".py")]
    return found


def _kept(texts) -> list:
    return [s for text in texts for s in tokenize(text) if len(s) >= MIN_WORDS]


def _file_sentences(path) -> list:
    return _kept(_docstrings(path))


def _collected():
    """The sentences of every text (the help topics, then the docstrings of each file in turn), one
    list per text source. Where a process can be forked, a second one reads and parses the later
    half of the files (by size) meanwhile: collecting is a few seconds of CPU time, halved on two
    cores."""
    try:
        from pydoc_data.topics import topics
        yield _kept(topics.values())
    except ImportError:
        pass
    files = _sources()
    sizes = [f.stat().st_size for f in files]
    split, seen = len(files), 0
    for i, size in enumerate(sizes):
        seen += size
        if seen >= sum(sizes) / 2:
            split = i + 1
            break
    later = _in_a_second_process(files[split:]) if (os.cpu_count() or 1) > 1 else None
    yield from map(_file_sentences, files[:split])
    rest = later() if later is not None else None
    yield from rest if rest is not None else map(_file_sentences, files[split:])


def _in_a_second_process(files):
    """A function that returns [_file_sentences(f) for f in files], computed by a forked process
    from now on (None where there is no fork, or the result if it failed)."""
    try:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        reader, writer = context.Pipe(duplex=False)
        child = context.Process(target=_send_sentences, args=(files, writer), daemon=True)
        child.start()
    except (ImportError, ValueError, OSError):
        return None
    writer.close()

    def result():
        try:
            return reader.recv()
        except (EOFError, OSError):
            return None
        finally:
            reader.close()
            child.join()

    return result


def _send_sentences(files, writer):
    writer.send([_file_sentences(f) for f in files])
    writer.close()


def _docstrings(path: Path):
    try:
        tree = ast.parse(path.read_bytes())
    except (SyntaxError, ValueError, OSError):
        return
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            doc = ast.get_docstring(node)
            if doc:
                yield doc


def _read_cache():
    try:
        text = gzip.decompress(cache_path().read_bytes()).decode("utf-8")
    except (OSError, EOFError, UnicodeDecodeError):
        return None
    return [line.split() for line in text.splitlines()]


def _write_cache(sents):
    """One sentence a line; written to a temporary file first, so that a reader never sees half."""
    path = cache_path()
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(exist_ok=True)
        temporary.write_bytes(gzip.compress("\n".join(map(" ".join, sents)).encode("utf-8"), 6))
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)  # a read-only checkout: collect again next time


def vocabulary(load, vocab: int = VOCAB, max_tokens: int | None = None):
    kata = load("cooccurrence")
    sents = sentences(max_tokens)
    words, _ = kata.build_vocab(sents)
    words = list(words)[:vocab]
    return words, kata.encode(sents, words)


def ppmi_svd_vectors(load, dim: int = SVD_DIM, vocab: int = VOCAB, window: int = WINDOW,
                     max_tokens: int | None = None):
    kata = load("cooccurrence")
    words, encoded = vocabulary(load, vocab, max_tokens)
    C = kata.cooccurrence_matrix(encoded, len(words), window=window)
    return words, kata.svd_embeddings(kata.ppmi(C), dim)


def sgns_vectors(load, dim: int = SGNS_DIM, vocab: int = VOCAB, window: int = WINDOW,
                 epochs: int = EPOCHS, lr: float = LR, seed: int = 0, max_tokens: int | None = None):
    kata = load("cooccurrence")
    words, encoded = vocabulary(load, vocab, max_tokens)
    W, _ = kata.train_sgns(encoded, len(words), dim=dim, window=window, epochs=epochs,
                           lr=lr, seed=seed)
    return words, W
