"""Writing a run's files: a private folder beside or inside the output folder, put in place atomically.

Every file is written under its own name into the private folder, flushed to disk together (not one by
one), then put in place: a new output folder in one rename, an existing one file by file. A failed run
leaves nothing behind.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from dibao_cli.errors import OutputRefused


def write_failed(path: Path, exc: OSError) -> OutputRefused:
    if exc.errno in (errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", -1)):
        from dibao_cli.reports.files import disk_full_message

        return OutputRefused(disk_full_message(path))
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return OutputRefused(f"没有权限写入 {path}（{exc.strerror}）。请换一个文件夹。")
    return OutputRefused(f"无法写入 {path}：{exc.strerror or exc}。")


def _sync_all(paths) -> None:
    """Flush file contents to disk: for many files one flush of everything (one journal commit instead of
    one per file: 30,000 notices would take minutes of fsync), for a few files each file."""
    if hasattr(os, "sync") and len(paths) > 64:
        os.sync()
        return
    for path in paths:
        with open(path, "rb+") as fh:
            os.fsync(fh.fileno())


class Staging:
    """A run's files, written under their own names into a private folder and put in place only when all
    of them are written and on disk:
    - the target folder was made by this run: the private folder (beside it) replaces it in one rename, so
      the folder appears with every file in it, or not at all;
    - otherwise each file is renamed into the folder (each file atomic: the old file or the whole new one).
    A failed run removes the private folder and every file it had put in place."""

    SYNC_EVERY = 5000  # files: flushed to disk while the rest are written, so the last flush is short

    def __init__(self, folder: Path, force: bool, replaceable=frozenset(), whole: bool = False):
        import tempfile

        self.folder = os.fspath(folder)
        self.force = force
        self.replaceable = {os.path.basename(os.fspath(p)) for p in replaceable}
        self.names: list[str] = []  # written into the private folder
        self.notices = 0  # of them, notice files
        self.created: list[str] = []  # files put in place that did not exist before this run
        self.synced = 0
        self.dir = None
        self.whole = False
        if whole:
            parent, base = os.path.split(os.path.abspath(self.folder))
            try:
                self.dir = tempfile.mkdtemp(prefix=f".{base}.", suffix=".dibao", dir=parent)
                self.whole = True
            except OSError:
                pass  # the parent is not writable: inside the folder instead
        if self.dir is None:
            try:
                self.dir = tempfile.mkdtemp(prefix=".dibao-", dir=self.folder)
            except OSError as exc:
                raise write_failed(Path(self.folder), exc) from None

    def path(self, name: str) -> str:
        return os.path.join(self.dir, name)

    def target(self, name: str) -> Path:
        return Path(self.folder, name)

    def add(self, name: str, data: bytes, notice: bool = True) -> None:
        """Write one file (in this process)."""
        write_file(self.path(name), [data], self.target(name))
        self.added(name, notice)

    def added(self, name: str, notice: bool = True) -> None:
        """A file written into the private folder (here or by a worker process)."""
        self.names.append(name)
        self.notices += notice
        if len(self.names) - self.synced >= self.SYNC_EVERY and hasattr(os, "sync"):
            os.sync()
            self.synced = len(self.names)

    def commit(self) -> None:
        """Every file on disk, then in place."""
        try:
            _sync_all([self.path(n) for n in self.names[self.synced:]])
        except OSError as exc:
            raise write_failed(Path(self.folder), exc) from None
        if self.whole:
            try:
                os.chmod(self.dir, os.stat(self.folder).st_mode & 0o7777)  # not mkdtemp's owner-only mode
                _sync_folder(Path(self.dir))
                os.rename(self.dir, self.folder)  # onto the empty folder this run made
            except OSError:
                self.whole = False  # something appeared in the folder meanwhile: file by file
            else:
                self.dir = None
                _sync_folder(Path(os.path.dirname(os.path.abspath(self.folder))))
                return
        for name in self.names:
            target = os.path.join(self.folder, name)
            existed = os.path.lexists(target)
            if existed and not self.force and name not in self.replaceable:
                raise OutputRefused(f"输出文件 {target} 已存在（刚刚由别人写入），未覆盖。")
            try:
                os.replace(self.path(name), target)
            except OSError as exc:
                raise write_failed(Path(target), exc) from None
            if not existed:
                self.created.append(target)
        _remove_tree(self.dir)
        self.dir = None
        _sync_folder(Path(self.folder))  # the renames themselves

    def abort(self) -> None:
        """Remove the private folder and every file this run put in place (nothing of a failed run is left)."""
        for path in self.created:
            _unlink(path)
        self.created = []
        if self.dir is not None:
            _remove_tree(self.dir)
            self.dir = None


def _remove_tree(path: str) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # not possible on Windows; the renames are durable when the system next flushes
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


class Stream:
    """A file written piece by piece into the private folder."""

    def __init__(self, staging: Staging, name: str, binary: bool = False):
        self.staging, self.name = staging, name
        self.target = staging.target(name)
        try:
            self.fh = open(staging.path(name), "xb")
        except OSError as exc:
            raise write_failed(self.target, exc) from None
        self.binary = binary

    def write(self, data) -> None:
        self.write_bytes(data if self.binary else data.encode("utf-8"))

    def write_bytes(self, data: bytes) -> None:
        try:
            self.fh.write(data)
        except OSError as exc:
            raise write_failed(self.target, exc) from None

    def finish(self) -> None:
        try:
            self.fh.close()
        except OSError as exc:
            raise write_failed(self.target, exc) from None
        self.staging.added(self.name, notice=False)

    def abort(self) -> None:
        try:
            self.fh.close()
        except OSError:
            pass
        _unlink(self.staging.path(self.name))


def write_file(path: str, parts, target) -> None:
    """One new file from a few pieces of bytes: open, one write, close."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        try:
            total = sum(map(len, parts))
            done = os.writev(fd, parts) if hasattr(os, "writev") else 0
            if done < total:
                view = memoryview(b"".join(parts))[done:]
                while view:
                    view = view[os.write(fd, view):]
        finally:
            os.close(fd)
    except OSError as exc:
        raise write_failed(Path(target), exc) from None
