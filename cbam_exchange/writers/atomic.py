"""Safe output: every file the toolkit writes goes through here.

- The bytes go to a private temporary file in the target's own directory (so the final rename never crosses file
  systems), are flushed and fsync'ed, then `os.replace`d over the target: a reader sees the old file or the whole new
  one, never half a file, even after a crash. The directory is fsync'ed too where the platform allows it.
- A new file gets the mode any other program would give it under the user's umask (0666 & ~umask); an existing
  file keeps its mode. (mkstemp alone would leave every output at 0600.)
- A symbolic link at the output path is refused (exit 2) rather than silently replaced by a regular file or written
  through to wherever it points: the user names the real file instead. The same holds for a directory or any other
  non-regular file at the output path.
- Nothing is written anywhere else: on failure the temporary file is removed.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from cbam_exchange.errors import UnreadableInput


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def _mode_for(target: Path) -> int:
    """The existing file's permission bits, or those a new file gets under the umask."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        return 0o666 & ~_umask()


def check_output_path(target: Path) -> None:
    """Refuse an output path that is a symbolic link or exists as anything but a regular file (exit 2)."""
    if target.is_symlink():
        raise UnreadableInput(str(target), "the output path is a symbolic link; refusing to replace it",
                              found=f"a link to {os.readlink(target)}",
                              expected="the path of a regular file (name the link's target directly)")
    if target.exists() and not target.is_file():
        raise UnreadableInput(str(target), "the output path exists and is not a regular file",
                              expected="a new file name or an existing regular file")


def _fsync_directory(folder: Path) -> None:
    if os.name != "posix":
        return  # Windows cannot open a directory for fsync; os.replace is already atomic there
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_output(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; when the block ends without error it replaces `target`."""
    target = Path(target)
    check_output_path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:  # named as the user gave it, not as the temporary file beside it
        raise UnreadableInput(str(target), f"the output cannot be written ({exc.strerror or exc})",
                              expected="a path in a folder you can write to") from None
    mode = _mode_for(target)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        check_output_path(target)  # again: a link may have appeared while we wrote
        os.replace(tmp, target)
        _fsync_directory(target.parent)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_text_atomic(target: Path, text: str) -> None:
    with atomic_output(target) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_bytes_atomic(target: Path, data: bytes) -> None:
    with atomic_output(target) as tmp:
        tmp.write_bytes(data)
