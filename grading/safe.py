"""Text that came from a submission, made safe before a terminal, a CSV or a JSON sees it.

Printed output, exception messages, reprs and file or folder names are the submission's
own: they may hold escape sequences that redraw a terminal, a newline that splits a row,
a lone surrogate that crashes an encoder, or a cell that a spreadsheet runs as a formula.
"""

from __future__ import annotations

import re

# C0 controls but tab (and newline in multi-line text), DEL, C1 controls, and the bidi
# controls that reorder what a reader sees (U+202A-U+202E, U+2066-U+2069).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile("[\ud800-\udfff]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _escape(match) -> str:
    c = ord(match.group())
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def text(value, multiline: bool = False) -> str:
    """`value` as a string with every control character shown escaped (\\x1b) and invalid
    Unicode replaced; newlines are kept only in multi-line text (printed output)."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    elif not isinstance(value, str):
        value = str(value)
    else:
        value = str.__str__(value)
    value = _SURROGATE.sub("\ufffd", value)
    return (_UNSAFE if multiline else _UNSAFE_LINE).sub(_escape, value)


def name(path_name: str) -> str:
    """A file or folder name as it may be shown: one line, valid Unicode, no controls
    (names that are not valid UTF-8 arrive with surrogate escapes, replaced here)."""
    return text(path_name)


def cell(value) -> str:
    """A CSV cell: safe text, and a cell that would start a formula is neutralized with a
    leading apostrophe (OWASP's advice on CSV injection)."""
    out = text(value)
    return "'" + out if out.startswith(FORMULA_START) else out


def tree(value, multiline_keys=("output",)):
    """Every string in a decoded reply (dicts, lists) made safe; `multiline_keys` keep newlines."""
    if isinstance(value, str):
        return text(value)
    if isinstance(value, list):
        return [tree(v, multiline_keys) for v in value]
    if isinstance(value, tuple):
        return tuple(tree(v, multiline_keys) for v in value)
    if isinstance(value, dict):
        return {k: (text(v, True) if k in multiline_keys and isinstance(v, str) else tree(v, multiline_keys))
                for k, v in value.items()}
    return value


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#|!~&$])")  # what can start markup in the middle of a line


def markdown(value) -> str:
    """Inline Markdown text (never at the start of a line): safe text on one line with every
    character that can start markup backslash-escaped, so that no emphasis, link, image, HTML
    tag, entity, code span, math or table cell boundary can come of it."""
    return _MARKDOWN.sub(r"\\\1", text(value).replace("\t", " "))


def markdown_block(value) -> str:
    """Multi-line text shown verbatim in Markdown: a fenced code block whose fence is longer
    than any run of backticks in the text, so the text cannot close it."""
    body = text(value, multiline=True).replace("\r", "")
    runs = re.findall(r"`+", body)
    fence = "`" * max(3, 1 + max((len(r) for r in runs), default=0))
    return f"{fence}text\n{body.rstrip(chr(10))}\n{fence}"
