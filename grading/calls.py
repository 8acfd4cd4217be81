"""One call of a kata function, as the judge made it and saw it come back: what the hidden
suite's checks (checks.py) judge, and what their messages show ("Called f(args) -> ...")."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import show
from .outcomes import Mismatch

ECHO_BYTES = 8 << 20  # in side checks, arguments up to this size come back after the call (sandbox.watching_inputs)


@dataclass
class Called:
    """One call of a kata function and what it returned."""

    func: str
    args: tuple
    kwargs: dict
    params: list = field(default_factory=list)
    value: object = None
    output: str = ""
    changed: list | None = field(default_factory=list)  # arguments changed in place; None: too large to tell
    label: str = ""  # names the part of the result a message is about, e.g. "dW_in"

    def __str__(self) -> str:
        names = list(self.params) + [None] * len(self.args)
        parts = [show.argument(n, a) for n, a in zip(names, self.args)]
        parts += [show.argument(k, v) for k, v in self.kwargs.items()]
        return f"{self.func}({', '.join(parts)})"

    def part(self, index: int, label: str) -> "Called":
        """Item `index` of a tuple result, named `label` in messages."""
        value = self.value
        if not isinstance(value, (tuple, list)) or len(value) <= index:
            raise Mismatch(f"Called {self} -> returned {show.value(value)}, expected a tuple "
                           f"with {label} at position {index}: see the docstring for what it returns.")
        return Called(self.func, self.args, self.kwargs, self.params, value[index], self.output,
                      self.changed, label)
