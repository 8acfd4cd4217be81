"""What a check produces: its Record, and how it can fail.

Every failure a learner sees is one of the CheckFailed classes below, raised inside the
judge and carrying a short message written for the learner; its Kind names it in the record.
The pytest plugin (plugin.py) makes one Record per check, the judge sends them to the caller
as JSON, and results.py scores them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from enum import Enum


class _Named(str, Enum):
    """An enum whose members are their own strings: in JSON, in CSV and in f-strings."""

    def __str__(self) -> str:
        return self.value

    __format__ = str.__format__


class Kind(_Named):
    """How a check ended."""

    PASSED = "passed"
    MISMATCH = "mismatch"          # the kata returned something, and it was not what the contract asks
    NOT_STARTED = "not_started"    # the function still raises NotImplementedError
    RAISED = "raised"              # the kata's code raised an exception the check did not ask for
    TIMEOUT = "timeout"            # a call went over its time or CPU limit
    CRASHED = "crashed"            # the process running the kata died during a call
    IMPORT_ERROR = "import_error"  # the kata file does not import
    MISSING = "missing"            # there is no kata file
    UNREADABLE = "unreadable"      # the kata returned something that is not plain data
    INTERNAL = "internal"          # the check itself failed: a bug in the hidden suite


class Role(_Named):
    """What a check judges, said by its markers (plugin.py): it sets the weight and the gate."""

    VALUE = "value"            # the answers are right
    SIDE = "side"              # inputs unchanged, dtype, determinism, edge rows
    VALIDATION = "validation"  # bad input raises a clear ValueError
    SCALE = "scale"            # only unvectorized code fails (CPU time)


@dataclass
class Record:
    """The outcome of one hidden check, as the judge saw it."""

    kata: str
    name: str
    test: str      # the test function: one concept, whose parametrized cases share its weight
    title: str
    role: Role
    weight: float
    passed: bool
    kind: Kind = Kind.PASSED
    message: str = ""
    where: list = field(default_factory=list)  # the kata file's own frames: dicts with line, function, code
    output: str = ""
    calls: list = field(default_factory=list)  # the kata functions the check called
    cpu: float | None = None  # a scale check: the most CPU seconds one of its calls spent
    confinement: str = ""  # the confinement level kata code ran at (confinement.Reached), "" if none ran

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "Record":
        names = {f.name for f in fields(Record)}
        record = cls(**{k: v for k, v in data.items() if k in names})
        record.role, record.kind = Role(record.role), Kind(record.kind)
        return record


class CheckFailed(AssertionError):
    """A check did not pass. `kind` says why, `message` says it in one or two lines."""

    kind = Kind.MISMATCH

    def __init__(self, message: str, where=(), output: str = ""):
        super().__init__(message)
        self.message = message
        self.where = list(where)  # the kata file's own frames: dicts with line, function, code
        self.output = output


class Mismatch(CheckFailed):
    """The kata returned something, and it was not what the contract asks for."""

    kind = Kind.MISMATCH


class NotStarted(CheckFailed):
    """The function still raises NotImplementedError."""

    kind = Kind.NOT_STARTED


class Raised(CheckFailed):
    """The kata's code raised an exception the check did not ask for."""

    kind = Kind.RAISED

    def __init__(self, message, where=(), output="", error=None):
        super().__init__(message, where, output)
        self.error = error or {}


class TimedOut(CheckFailed):
    """A call did not finish within its time limit."""

    kind = Kind.TIMEOUT


class Crashed(CheckFailed):
    """The process running the kata died during a call (os._exit, a crash, out of memory)."""

    kind = Kind.CRASHED


class ImportFailed(CheckFailed):
    """The kata file itself does not import."""

    kind = Kind.IMPORT_ERROR


class Missing(CheckFailed):
    """There is no kata file to grade."""

    kind = Kind.MISSING


class Unreadable(CheckFailed):
    """The kata returned something that is not plain data."""

    kind = Kind.UNREADABLE

