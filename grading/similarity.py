"""Flag copied code: compare submissions kata by kata, as MOSS does.

Each kata file becomes a sequence of normalized tokens: comments and layout dropped,
every string "S", every number "0", every local name "V" (keywords, builtins and
attribute names like `.add` are kept, so renaming variables changes nothing). Every run of
K tokens is hashed; winnowing keeps the smallest hash of each window of W hashes, which
guarantees that any shared run of at least K + W - 1 tokens is seen, whatever surrounds it
(so reordering functions changes little). Fingerprints of the kata's stub (the template
every learner starts from) are removed first. Two files are as similar as the share of the
smaller one's fingerprints found in the other.
"""

from __future__ import annotations

import builtins
import hashlib
import io
import keyword
import re
import tokenize
from dataclasses import dataclass
from itertools import combinations

from . import catalogue, safe, sources

K = 12          # tokens per k-gram
W = 8           # hashes per winnowing window
THRESHOLD = 0.6
MIN_PRINTS = 12  # files with fewer fingerprints than this (barely started) are not compared

KEEP = set(keyword.kwlist) | set(dir(builtins))
SKIP = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
        tokenize.ENCODING, tokenize.ENDMARKER}


def tokens(text: str) -> list:
    out = []
    previous = None
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type in SKIP:
                continue
            if tok.type == tokenize.STRING:
                word = "S"
            elif tok.type == tokenize.NUMBER:
                word = "0"
            elif tok.type == tokenize.NAME:
                word = tok.string if tok.string in KEEP or previous == "." else "V"
            else:
                word = tok.string
            out.append(word)
            previous = tok.string
    except (tokenize.TokenError, IndentationError, SyntaxError):
        out = re.findall(r"\w+|[^\w\s]", text)  # not Python: compare its raw words
    return out


def _hash(gram) -> int:
    return int.from_bytes(hashlib.blake2b(" ".join(gram).encode(), digest_size=8).digest(), "big")


def fingerprints(text: str, base: frozenset = frozenset()) -> set:
    toks = tokens(text)
    hashes = [_hash(toks[i:i + K]) for i in range(len(toks) - K + 1)]
    chosen = set()
    for i in range(max(len(hashes) - W + 1, 1 if hashes else 0)):
        window = hashes[i:i + W]
        chosen.add(min(window))
    return chosen - base


def similarity(a: set, b: set) -> float:
    if min(len(a), len(b)) < MIN_PRINTS:
        return 0.0
    return len(a & b) / min(len(a), len(b))


@dataclass
class Pair:
    kata: str
    a: str
    b: str
    similarity: float


def compare(files: dict, kata: str, threshold: float = THRESHOLD) -> list:
    """Pairs of {name: text} above `threshold` for one kata; "solutions" is one of the names
    when the reference is to be compared too."""
    base = frozenset(fingerprints(catalogue.get(kata).stub.read_text())) if catalogue.get(kata).stub.is_file() \
        else frozenset()
    prints = {name: fingerprints(text, base) for name, text in files.items()}
    pairs = []
    for a, b in combinations(sorted(prints), 2):
        score = similarity(prints[a], prints[b])
        if score >= threshold:
            pairs.append(Pair(kata, a, b, round(score, 3)))
    return pairs


def collect(paths: list, names=None) -> dict:
    """{kata: {submission name: text}} of the kata files of `paths` (submissions)."""
    katas = catalogue.select(names)
    texts = {k.name: {} for k in katas}
    for path in paths:
        source = sources.submission(path)
        try:
            for k in katas:
                file = source.files.get(k.name)
                if file is not None:
                    texts[k.name][safe.name(path.name)] = file.read_text(errors="replace")
        finally:
            source.close()
    return texts


def compare_texts(texts: dict, names=None, threshold: float = THRESHOLD) -> list:
    """Every pair above `threshold` of {kata: {submission name: text}} (and each against
    solutions/), kata by kata, most similar first."""
    katas = catalogue.select(names)
    pairs = []
    for k in katas:
        files = dict(texts.get(k.name, {}))
        if k.solution.is_file():
            files["solutions/"] = k.solution.read_text()
        pairs += compare(files, k.name, threshold)
    return sorted(pairs, key=lambda p: (-p.similarity, p.kata, p.a, p.b))


def compare_batch(folder, names=None, threshold: float = THRESHOLD) -> list:
    """Every pair of submissions of `folder` (and each against solutions/) above
    `threshold`, kata by kata, most similar first."""
    return compare_texts(collect(sources.batch(folder), names), names, threshold)


def write_csv(pairs: list, path, points: dict | None = None) -> None:
    """The pairs; with `points` ({submission name: {kata: points}}, from grading in the same
    run) each pair also shows the points both earned on that kata."""
    from . import sheets

    def earned(name, kata):
        value = (points or {}).get(name, {}).get(kata)
        return "" if value is None else f"{value:g}"

    rows = [[p.kata, safe.cell(p.a), safe.cell(p.b), f"{p.similarity:.3f}", earned(p.a, p.kata), earned(p.b, p.kata)]
            for p in pairs]
    sheets.write(path, ["kata", "submission_a", "submission_b", "similarity", "points_a", "points_b"], rows)
