"""Files only the service's own user may read: owners' data, passwords, photos.

The SQLite database (owners' phones, agents' password hashes), Rasa's endpoints file (engine
passwords) and owners' attachments (photos, voice messages) are created private from the
first byte: directories 0o700, files 0o600. A file is never written first and narrowed
afterwards, which would leave a moment (or, if the chmod failed, for good) in which other
users of the machine can read it.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

DIRECTORY_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: str | os.PathLike[str], tighten: bool = False) -> Path:
    """The directory `path`, with every folder it needs that did not exist created 0o700.

    With tighten=True a directory that already existed (var/ from an older release) is
    narrowed to 0o700 too, when this user owns it; a shared sticky directory such as /tmp
    is never touched."""
    folder = Path(path)
    missing: list[Path] = []
    probe = folder
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for directory in reversed(missing):
        try:
            directory.mkdir(mode=DIRECTORY_MODE)
        except FileExistsError:
            pass  # another process made it a moment ago
    if tighten and not missing:
        _narrow(folder, DIRECTORY_MODE)
    return folder


def private_file(path: str | os.PathLike[str], tighten: bool = False) -> Path:
    """Make sure the file `path` exists, created empty and 0o600 if it did not (its folders
    0o700). An existing file keeps its content; with tighten=True it is narrowed to 0o600
    when this user owns it."""
    target = Path(path)
    private_dir(target.parent)
    try:
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        if tighten:
            _narrow(target, FILE_MODE)
        return target
    try:
        os.fchmod(descriptor, FILE_MODE)  # exactly 0o600 whatever the umask; still empty
    finally:
        os.close(descriptor)
    return target


def write_private(path: str | os.PathLike[str], data: bytes | str) -> Path:
    """Write `data` (str as UTF-8) to `path`, readable by this user only from the first
    byte: into a new 0o600 file beside it, then renamed over `path` in one step, so a
    reader never sees half a file and an old, too open file is replaced, not reused.
    Missing folders are created 0o700."""
    target = Path(path)
    private_dir(target.parent)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    # mkstemp creates the file with O_EXCL and mode 0o600.
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                             suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            os.fchmod(handle.fileno(), FILE_MODE)  # exactly 0o600 whatever the umask
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def _narrow(path: Path, mode: int) -> None:
    """Take group and other permissions away from what this user owns (never widen)."""
    status = path.stat()
    if status.st_uid != os.geteuid() or status.st_mode & stat.S_ISVTX:
        return
    if stat.S_IMODE(status.st_mode) & ~mode:
        os.chmod(path, stat.S_IMODE(status.st_mode) & mode)
