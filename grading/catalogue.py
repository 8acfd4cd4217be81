"""The katas, in order: the one list the grader, the reports and the project's tests read.

Adding a kata means adding one entry here and its files:
    katas/<name>.py        the stub the learner fills in
    katas/<name>.md        the lesson
    solutions/<name>.py    the reference solution
    tests/hidden/test_<name>.py    the hidden suite
    tests/mutants/<name>.py        known-wrong and correct-but-different variants
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Kata:
    number: int
    name: str
    title: str
    points: int
    hints: tuple[str, ...]

    @property
    def stub(self) -> Path:
        return ROOT / "katas" / f"{self.name}.py"

    @property
    def lesson(self) -> Path:
        return ROOT / "katas" / f"{self.name}.md"

    @property
    def solution(self) -> Path:
        return ROOT / "solutions" / f"{self.name}.py"

    @property
    def suite(self) -> Path:
        return ROOT / "tests" / "hidden" / f"test_{self.name}.py"

    @property
    def mutants(self) -> Path:
        return ROOT / "tests" / "mutants" / f"{self.name}.py"


KATAS: tuple[Kata, ...] = (
    Kata(1, "lookup_tables", "One-hot vectors vs learned lookup tables", 10, (
        "Start with one_hot: build np.zeros(shape(ids) + (num_classes,)) and set one entry per id. "
        "np.eye(num_classes)[ids] does it in one line once the ids are checked.",
        "lookup is table[ids] once you have checked that ids are integers in 0..V-1 (numpy would "
        "wrap -1 around to the last row; the contract says ValueError). The result has shape "
        "ids.shape + (d,).",
        "lookup_backward: dW[ids] += grad_out loses repeated ids, because fancy-index assignment "
        "writes each row once. np.add.at(dW, ids.ravel(), grad_out.reshape(-1, d)) accumulates. "
        "Then zero the padding row.",
        "bag_mean: mask = ids != padding_idx; sum the looked-up rows times mask and divide by "
        "max(mask.sum(axis=1), 1), so an all-padding bag gives zeros instead of 0/0. "
        "bag_mean_backward sends grad_out[i] / count_i to every non-padding id of bag i.",
    )),
    Kata(2, "similarity", "Similarity and neighbours", 10, ("TODO",)),
    Kata(3, "cooccurrence", "A co-occurrence embedding trainer", 15, ("TODO",)),
    Kata(4, "infonce", "InfoNCE with hand-written gradients", 15, ("TODO",)),
    Kata(5, "whitening", "Whitening via SVD", 10, ("TODO",)),
    Kata(6, "collapse", "Collapse detection", 10, ("TODO",)),
)

BY_NAME = {k.name: k for k in KATAS}


def get(name: str) -> Kata:
    """The catalogue entry of `name`; KeyError if there is none."""
    return BY_NAME[name]
