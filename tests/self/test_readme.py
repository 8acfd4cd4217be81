"""The README against the things it describes: the kata table against the catalogue, the
layout against the tree, and the commands it shows against the grader's own options."""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from grading import catalogue, cli  # noqa: E402

README = (ROOT / "README.md").read_text()


def _section(title: str) -> str:
    start = README.index(f"## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start:end if end > 0 else None]


def test_the_kata_table_is_the_catalogue():
    rows = re.findall(r"^\| (\d+) \| `(\w+)` \| .* \| (\d+) \|$", _section("The katas"), re.M)
    assert [(int(n), name, int(points)) for n, name, points in rows] == \
        [(k.number, k.name, k.points) for k in catalogue.KATAS]


def test_the_layout_names_every_module_and_folder():
    layout = _section("Layout")
    listed = set(re.findall(r"[\w./-]+\.(?:py|ini)|[\w/]+/", layout))
    modules = {p.name for p in (ROOT / "grading").iterdir() if p.suffix in (".py", ".ini") and p.name != "__init__.py"}
    assert not modules - listed, f"grading/ modules the README's layout does not name: {sorted(modules - listed)}"
    folders = {"katas/", "solutions/", "tests/hidden/", "tests/variants/", "tests/self/", "demos/", "bench/", "grading/"}
    assert not folders - listed, f"folders the README's layout does not name: {sorted(folders - listed)}"
    for name in listed:
        if name.endswith((".py", ".ini")) and "/" not in name and name not in ("grader.py",):
            assert (ROOT / "grading" / name).is_file() or (ROOT / name).is_file(), f"the layout names {name}: no such file"
        elif name.endswith("/") and name != "grading/":
            assert (ROOT / name).is_dir(), f"the layout names {name}: no such folder"


def _options() -> set:
    return {s for action in cli.parser()._actions for s in action.option_strings if s.startswith("--")}


def test_every_command_the_readme_shows_exists():
    shown = set()
    for line in README.splitlines():
        for code in re.findall(r"`(python grader\.py[^`]*)`", line):
            shown |= set(re.findall(r"--[a-z][a-z-]*", code))
    unknown = shown - _options()
    assert not unknown, f"the README shows options the grader does not have: {sorted(unknown)}"


def test_every_option_of_the_grader_is_in_the_readme():
    missing = {o for o in _options() if o != "--help" and o not in README}
    assert not missing, f"options of python grader.py the README never mentions: {sorted(missing)}"
