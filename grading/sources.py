"""Find the code: which file to grade for each kata.

    learner()            katas/ (the learner's own work)
    solutions()          solutions/
    folder(path)         <path>/<kata>.py
    submission(path)     a student's folder or .zip, as instructors receive it

A submission is never graded where it lies. Only the kata files the catalogue names are
taken from it (at its top level, in a `katas/` folder, or one folder further down, as in
a zip of a repository), each a regular file of at most MAX_BYTES, and copied into a fresh
private folder. Everything else it holds (tests, conftest.py, pytest.ini, other modules,
links) is never read, imported or run.
"""

from __future__ import annotations

import importlib.util
import os
import stat
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from . import catalogue, safe
from .catalogue import ROOT

MAX_BYTES = 1 << 20


def load_module(path, name: str):
    """The module in the file `path`, imported under `name` in this process: for the grader's
    own helpers and the demos. (Kata code the grader judges is imported only by a worker, with
    worker.load_module: the worker's side imports nothing of the judge's.)"""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class Source:
    """Which file to grade for each kata (None: there is none), and what to tell about it."""

    label: str
    files: dict
    notes: dict = field(default_factory=dict)  # kata -> note ("missing", "too large", ...)
    scratch: object = None  # a TemporaryDirectory to keep alive while the files are graded

    def close(self) -> None:
        if self.scratch is not None:
            self.scratch.cleanup()
            self.scratch = None


def _label(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT)) + "/"
    except ValueError:
        return str(path)


def folder(path, label: str | None = None) -> Source:
    path = Path(path)
    files = {k.name: (path / f"{k.name}.py" if (path / f"{k.name}.py").is_file() else None)
             for k in catalogue.KATAS}
    return Source(label or _label(path), files)


def learner() -> Source:
    return folder(ROOT / "katas")


def solutions() -> Source:
    return folder(ROOT / "solutions")


def _candidates(name: str, tops: list) -> list:
    """Where a kata file may sit inside a submission, most likely first."""
    places = [PurePosixPath(f"{name}.py"), PurePosixPath("katas", f"{name}.py")]
    for top in tops:
        places += [PurePosixPath(top, f"{name}.py"), PurePosixPath(top, "katas", f"{name}.py")]
    return places


def _link_on_the_way(root: Path, place: PurePosixPath):
    """The first component of `place` inside `root` that is a link (or not a folder on the way),
    or None: a kata file is taken only through real folders, so a link to solutions/ or to a
    classmate's folder leads nowhere."""
    current = root
    for i, part in enumerate(place.parts):
        current = current / part
        try:
            info = current.lstat()
        except OSError:
            return None  # not there: the caller finds nothing either
        if stat.S_ISLNK(info.st_mode):
            return PurePosixPath(*place.parts[:i + 1])
        if i < len(place.parts) - 1 and not stat.S_ISDIR(info.st_mode):
            return None
    return None


def _read_regular(root: Path, place: PurePosixPath, notes: dict, kata: str):
    """The bytes of the regular file at `place` (no link anywhere on its path, inside `root`),
    or None with a note saying why not."""
    link = _link_on_the_way(root, place)
    if link is not None:
        notes[kata] = safe.text(f"{place}: {link} is a link (links are not followed)")
        return None
    candidate = root.joinpath(*place.parts)
    try:
        fd = os.open(candidate, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode):
            notes[kata] = safe.text(f"{place} is not a regular file (links are not followed)")
            return None
        if info.st_size > MAX_BYTES:
            notes[kata] = safe.text(f"{place} is larger than {MAX_BYTES // 1024} KiB")
            return None
        try:
            resolved = candidate.resolve(strict=True)
            resolved.relative_to(root.resolve())
        except (OSError, ValueError):
            notes[kata] = safe.text(f"{place} lies outside the submission")
            return None
        return f.read(MAX_BYTES + 1)


def _from_folder(path: Path, out: Path, notes: dict) -> dict:
    tops = sorted(p.name for p in path.iterdir() if p.is_dir() and not p.is_symlink() and not p.name.startswith("."))
    files = {}
    for kata in catalogue.KATAS:
        files[kata.name] = None
        for place in _candidates(kata.name, tops):
            if not os.path.lexists(path.joinpath(*place.parts)):
                continue
            data = _read_regular(path, place, notes, kata.name)
            if data is not None:
                files[kata.name] = _copy_bytes(data, out, kata.name)
            break
    return files


def _from_zip(path: Path, out: Path, notes: dict) -> dict:
    with zipfile.ZipFile(path) as archive:
        members = {}
        for info in archive.infolist():
            name = PurePosixPath(info.filename)
            if info.is_dir() or name.is_absolute() or ".." in name.parts:
                continue
            members[name] = info
        tops = sorted({n.parts[0] for n in members if len(n.parts) > 1 and not n.parts[0].startswith((".", "__MACOSX"))})
        files = {}
        for kata in catalogue.KATAS:
            files[kata.name] = None
            for place in _candidates(kata.name, tops):
                info = members.get(place)
                if info is None:
                    continue
                if stat.S_ISLNK(info.external_attr >> 16):
                    notes[kata.name] = safe.text(f"{place} is a link (links are not followed)")
                    break
                if info.file_size > MAX_BYTES:
                    notes[kata.name] = safe.text(f"{place} is larger than {MAX_BYTES // 1024} KiB")
                    break
                try:
                    with archive.open(info) as f:
                        data = f.read(MAX_BYTES + 1)
                except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError,
                        ValueError) as exc:  # a bad CRC, a password, an unknown compression: this kata only
                    notes[kata.name] = safe.text(f"{place} cannot be read from the zip ({exc})")
                    break
                if len(data) > MAX_BYTES:
                    notes[kata.name] = safe.text(f"{place} is larger than {MAX_BYTES // 1024} KiB")
                    break
                files[kata.name] = _copy_bytes(data, out, kata.name)
                break
    return files


def _copy_bytes(data: bytes, out: Path, name: str) -> Path:
    target = out / f"{name}.py"
    target.write_bytes(data)
    target.chmod(0o600)  # the grader's alone: kata code running as another user cannot read it
    return target


def submission(path) -> Source:
    """The kata files of a student's folder or .zip, copied into a private scratch folder."""
    path = Path(path)
    scratch = tempfile.TemporaryDirectory(prefix="kata-submission-")
    out = Path(scratch.name)  # private (0700), like the copies in it
    notes: dict = {}
    label = safe.name(path.name[:-4] if path.suffix == ".zip" else path.name)
    try:
        if path.is_dir():
            files = _from_folder(path, out, notes)
        elif path.suffix == ".zip" and path.is_file():
            files = _from_zip(path, out, notes)
        else:
            raise ValueError(f"{path} is neither a folder nor a .zip")
    except (zipfile.BadZipFile, OSError) as exc:
        files = {k.name: None for k in catalogue.KATAS}
        notes = {k.name: safe.text(f"unreadable submission: {exc}") for k in catalogue.KATAS}
    for name, file in files.items():
        if file is None:
            notes.setdefault(name, "missing")
    return Source(label, files, notes, scratch)


def is_submission(path: Path) -> bool:
    """A sub-folder or .zip of a batch folder is one submission (hidden ones are not)."""
    return not path.name.startswith((".", "_")) and (
        (path.is_dir() and not path.is_symlink()) or (path.suffix == ".zip" and path.is_file()))


def batch(folder_path) -> list:
    return sorted((p for p in Path(folder_path).iterdir() if is_submission(p)), key=lambda p: p.name)

