"""Plain data over a pipe, without pickle.

The judge and a worker exchange *frames*. A frame is a JSON header followed by raw
array buffers:

    <u64 header length> <u64 buffers length> <header JSON> <buffer bytes>

Only these values cross: None, bool, int, float, str, list, tuple, dict (str or int
keys) and numpy arrays of a numeric dtype (bool, int, uint, float, complex). numpy
scalars arrive as Python numbers; ndarray subclasses arrive as plain ndarrays. Nothing
is ever unpickled, so whatever the learner's code returns, the judge only sees data.

Two markers travel from the judge to a worker only: `Seeded(seed)` becomes
`numpy.random.default_rng(seed)` and `Ref(name)` becomes a function of the test-
callables module, looked up by name.
"""

from __future__ import annotations

import json
import mmap
import os
import re
import select
import struct
import time

import numpy as np

PREFIX = struct.Struct("<QQ")
ALIGN = 16
MAX_DEPTH = 32
NUMERIC_KINDS = "biufc"
HEADER_LIMIT = 32 << 20   # bytes of a frame's JSON part
NODE_LIMIT = 1_000_000    # values in it: a bound on the Python objects it decodes to
MAX_DIMS = 32
DTYPE = re.compile(r"[<>|=][biufc](1|2|4|8|16)")


class Unsendable(TypeError):
    """A value that is not plain data."""


class Seeded:
    """Stands for `numpy.random.default_rng(seed)` on the worker's side."""

    def __init__(self, seed: int):
        self.seed = int(seed)

    def __repr__(self):
        return f"default_rng({self.seed})"


class Ref:
    """Stands for the function `name` of the test-callables module on the worker's side."""

    def __init__(self, name: str):
        self.name = str(name)

    def __repr__(self):
        return self.name


# ---------------------------------------------------------------- encoding

def _encode(value, buffers: list, depth: int):
    if depth > MAX_DEPTH:
        raise Unsendable("nested more than %d levels deep" % MAX_DEPTH)
    if value is None or value is True or value is False:
        return value
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int.__index__(value)
    if isinstance(value, float):
        return float.__float__(value)
    if isinstance(value, np.ndarray):
        return _encode_array(np.ndarray.view(value, np.ndarray), buffers)
    if isinstance(value, np.generic):
        if value.dtype.kind not in NUMERIC_KINDS:
            raise Unsendable(f"a numpy scalar of dtype {value.dtype}")
        return _encode(value.item(), buffers, depth + 1)
    if isinstance(value, list):
        return [_encode(v, buffers, depth + 1) for v in list.__iter__(value)]
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(v, buffers, depth + 1) for v in tuple.__iter__(value)]}
    if isinstance(value, dict):
        items = []
        for k, v in dict.items(value):
            if not isinstance(k, (str, int)) or isinstance(k, bool):
                raise Unsendable(f"a dict key of type {type(k).__name__}")
            items.append([_encode(k, buffers, depth + 1), _encode(v, buffers, depth + 1)])
        return {"__dict__": items}
    if isinstance(value, Seeded):
        return {"__rng__": value.seed}
    if isinstance(value, Ref):
        return {"__ref__": value.name}
    raise Unsendable(f"a value of type {type(value).__name__}")


def _encode_array(a: np.ndarray, buffers: list):
    if a.dtype.kind not in NUMERIC_KINDS:
        raise Unsendable(f"an array of dtype {a.dtype}")
    a = np.ascontiguousarray(a)
    if a.dtype.byteorder == ">":
        a = a.astype(a.dtype.newbyteorder("="))
    buffers.append(a)
    return {"__array__": len(buffers) - 1, "dtype": a.dtype.str, "shape": list(a.shape)}


def dumps(value) -> list:
    """Encode `value` as a frame: a list of bytes-like pieces to write in order."""
    buffers: list[np.ndarray] = []
    tree = _encode(value, buffers, 0)
    sizes, pieces = [], []
    for a in buffers:
        n = a.nbytes
        pad = (-n) % ALIGN
        sizes.append(n)
        pieces.append(memoryview(a).cast("B") if n else b"")
        if pad:
            pieces.append(b"\0" * pad)
    header = json.dumps({"v": tree, "b": sizes}, allow_nan=True, separators=(",", ":")).encode()
    total = sum(n + (-n) % ALIGN for n in sizes)
    return [PREFIX.pack(len(header), total), header, *pieces]


# ---------------------------------------------------------------- decoding

def _decode(node, arrays, resolve, depth=0):
    if depth > MAX_DEPTH:
        raise Unsendable("nested more than %d levels deep" % MAX_DEPTH)
    if isinstance(node, list):
        return [_decode(v, arrays, resolve, depth + 1) for v in node]
    if isinstance(node, dict):
        if "__array__" in node:
            return arrays[node["__array__"]](node["dtype"], node["shape"])
        if "__tuple__" in node:
            return tuple(_decode(v, arrays, resolve, depth + 1) for v in node["__tuple__"])
        if "__dict__" in node:
            out = {}
            for k, v in node["__dict__"]:
                if not isinstance(k, (str, int)) or isinstance(k, bool):
                    raise Unsendable("a dict key that is not a str or an int")
                out[k] = _decode(v, arrays, resolve, depth + 1)
            return out
        if resolve is None:  # markers travel from the judge to a worker only
            raise Unsendable("a tagged value where none is allowed")
        if "__rng__" in node:
            return np.random.default_rng(int(node["__rng__"]))
        if "__ref__" in node:
            return resolve(node["__ref__"])
        raise Unsendable("an unknown tagged value")
    return node


def loads(header: bytes, body, resolve=None):
    """Decode a frame's header and body. `resolve(name)` turns a Ref into a function (on the
    worker's side; elsewhere None, and markers are refused). Anything malformed raises
    Unsendable, and every array's dtype, shape and size are checked before it is built."""
    try:
        if header.count(b",") + header.count(b"[") + header.count(b"{") > NODE_LIMIT:
            raise Unsendable(f"more than {NODE_LIMIT} values")
        meta = json.loads(header)
        sizes = meta["b"]
        if not isinstance(sizes, list) or not all(type(n) is int and n >= 0 for n in sizes):
            raise Unsendable("a frame with malformed buffer sizes")
        offsets, pos = [], 0
        for n in sizes:
            offsets.append((pos, n))
            pos += n + (-n) % ALIGN
        if pos != len(body):
            raise Unsendable("a frame whose buffers do not fill its body")
        view = memoryview(body)

        def array_at(i):
            start, n = offsets[i]

            def build(dtype, shape):
                if not isinstance(dtype, str) or not DTYPE.fullmatch(dtype):
                    raise Unsendable("an array of a dtype that is not plain numbers")
                if (not isinstance(shape, list) or len(shape) > MAX_DIMS
                        or not all(type(d) is int and d >= 0 for d in shape)):
                    raise Unsendable("an array with a malformed shape")
                dt = np.dtype(dtype)
                count = 1
                for d in shape:
                    count *= d
                if count * dt.itemsize != n:
                    raise Unsendable("an array whose size does not match its buffer")
                return np.frombuffer(view[start:start + n], dtype=dt, count=count).reshape(shape)

            return build

        return _decode(meta["v"], [array_at(i) for i in range(len(offsets))], resolve)
    except Unsendable:
        raise
    except (ValueError, TypeError, KeyError, IndexError, RecursionError, OverflowError, MemoryError):
        raise Unsendable("a malformed frame") from None


# ---------------------------------------------------------------- file descriptors

class Closed(EOFError):
    """The other end of the pipe is gone."""


class Late(TimeoutError):
    """No complete frame arrived before the deadline."""


PIPE_BYTES = 1 << 20


def widen(fd: int) -> None:
    """Ask for a 1 MiB pipe buffer (Linux): large arrays then cross in far fewer steps."""
    try:
        import fcntl

        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_BYTES)
    except (ImportError, OSError):
        pass


COALESCE_BYTES = 1 << 16


def _write_all(fd: int, data) -> None:
    view = memoryview(data).cast("B")
    while len(view):
        n = os.write(fd, view)
        view = view[n:]


def write_frame(fd: int, value) -> None:
    """Write one frame; small pieces are joined first, so that a typical call or reply is
    one write, one wake-up of the reader."""
    small = bytearray()
    for piece in dumps(value):
        size = memoryview(piece).nbytes
        if size < COALESCE_BYTES:
            small += piece
            continue
        if small:
            _write_all(fd, small)
            small = bytearray()
        _write_all(fd, piece)
    if small:
        _write_all(fd, small)


def _buffer(n: int):
    """n writable bytes that take memory only as they are filled: an anonymous mapping (a
    frame that announces gigabytes and sends nothing costs nothing)."""
    return bytearray(n) if n < COALESCE_BYTES else mmap.mmap(-1, n)


def _read_exact(fd: int, n: int, deadline: float | None):
    buf = _buffer(n)
    view = memoryview(buf)
    got = 0
    while got < n:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise Late()
        k = os.readv(fd, [view[got:]])
        if k == 0:
            raise Closed()
        got += k
    return buf


def read_frame(fd: int, deadline: float | None = None, resolve=None, limit: int | None = None):
    """Read one frame from `fd`; raise Late past `deadline` (a time.monotonic() value).
    `limit` caps the body's bytes; the header is capped at HEADER_LIMIT, both checked
    before anything is read."""
    head_len, body_len = PREFIX.unpack(_read_exact(fd, PREFIX.size, deadline))
    if head_len > HEADER_LIMIT:
        raise Unsendable(f"a reply whose description takes {head_len} bytes, more than {HEADER_LIMIT}")
    if limit is not None and body_len > limit:
        raise Unsendable(f"a reply of {body_len} bytes, more than {limit}")
    header = _read_exact(fd, head_len, deadline)
    body = _read_exact(fd, body_len, deadline)
    return loads(bytes(header), body, resolve)
