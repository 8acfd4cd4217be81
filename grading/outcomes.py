"""How a check can fail. Every failure a learner sees is one of these, raised inside the
judge and carrying a short message written for the learner."""


class CheckFailed(AssertionError):
    """A check did not pass. `kind` says why, `message` says it in one or two lines."""

    kind = "mismatch"

    def __init__(self, message: str, where=(), output: str = ""):
        super().__init__(message)
        self.message = message
        self.where = list(where)  # the kata file's own frames: dicts with line, function, code
        self.output = output


class Mismatch(CheckFailed):
    """The kata returned something, and it was not what the contract asks for."""

    kind = "mismatch"


class NotStarted(CheckFailed):
    """The function still raises NotImplementedError."""

    kind = "not_started"


class Raised(CheckFailed):
    """The kata's code raised an exception the check did not ask for."""

    kind = "raised"

    def __init__(self, message, where=(), output="", error=None):
        super().__init__(message, where, output)
        self.error = error or {}


class TimedOut(CheckFailed):
    """A call did not finish within its time limit."""

    kind = "timeout"


class Crashed(CheckFailed):
    """The process running the kata died during a call (os._exit, a crash, out of memory)."""

    kind = "crashed"


class ImportFailed(CheckFailed):
    """The kata file itself does not import."""

    kind = "import_error"


class Missing(CheckFailed):
    """There is no kata file to grade."""

    kind = "missing"


class Unreadable(CheckFailed):
    """The kata returned something that is not plain data."""

    kind = "unreadable"

