"""The SQLite side of the ledger: a connection whose failures (full disk, read-only file, damaged file, a
busy writer) become messages for the clerk."""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
from pathlib import Path

from dibao_cli.errors import DibaoError, LedgerError, OutputRefused

DEFAULT_NAME = "dibao.db"


class LedgerBusy(LedgerError):
    """Another process holds the ledger longer than we waited."""


def _writable(path: Path) -> bool:
    folder = path.parent if str(path.parent) else Path(".")
    return os.access(folder, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))


class _Cursor(sqlite3.Cursor):
    """Turns SQLite's failures (full disk, read-only, damaged file) into messages for the clerk."""

    def execute(self, *args):
        try:
            return super().execute(*args)
        except sqlite3.Error as exc:
            raise self.connection.translate(exc) from None

    def executemany(self, *args):
        try:
            return super().executemany(*args)
        except sqlite3.Error as exc:
            raise self.connection.translate(exc) from None

    def fetchone(self):
        try:
            return super().fetchone()
        except sqlite3.Error as exc:
            raise self.connection.translate(exc) from None

    def fetchall(self):
        try:
            return super().fetchall()
        except sqlite3.Error as exc:
            raise self.connection.translate(exc) from None

    def __next__(self):
        try:
            return super().__next__()
        except sqlite3.Error as exc:
            raise self.connection.translate(exc) from None


class _Connection(sqlite3.Connection):
    ledger_path: Path = Path(DEFAULT_NAME)

    def execute(self, *args):
        return self.cursor(_Cursor).execute(*args)

    def executemany(self, *args):
        return self.cursor(_Cursor).executemany(*args)

    def translate(self, exc: sqlite3.Error) -> DibaoError:
        return translate(exc, self.ledger_path)


def translate(exc: sqlite3.Error, path: Path) -> DibaoError:
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name == "SQLITE_FULL":
        return LedgerError(f"磁盘已满：无法写入台账 {path}（或临时文件夹）。本次没有写入任何内容；请腾出磁盘空间后重试。")
    if name.startswith("SQLITE_IOERR"):
        return LedgerError(f"无法写入台账 {path}：磁盘已满、文件超过系统允许的大小，或磁盘故障（{exc}）。"
                           "本次没有写入任何内容；请检查磁盘后重试。")
    if name.startswith("SQLITE_READONLY"):
        return LedgerError(read_only_message(path))
    if name in ("SQLITE_BUSY", "SQLITE_LOCKED"):
        return LedgerBusy(f"台账 {path} 正被其他程序写入，等待后仍无法使用。请稍后重试。")
    if name == "SQLITE_NOTADB":
        return LedgerError(f"{path} 不是 dibao 台账（不是 SQLite 数据库文件，或文件头已损坏）。请检查 --db 指定的文件。")
    if name.startswith("SQLITE_CORRUPT"):
        return LedgerError(f"台账 {path} 已损坏（SQLite 检查发现：{exc}）。本次没有写入；请用 dibao db backup 做的备份恢复。")
    if name.startswith("SQLITE_CANTOPEN"):
        return LedgerError(f"无法打开台账 {path}（{exc}）：请检查文件夹是否存在、是否有权限。")
    return LedgerError(f"台账 {path} 出错（{exc}）。")


def read_only_message(path: Path) -> str:
    return (f"台账 {path} 是只读的（文件、所在文件夹或磁盘不可写），本命令需要写入台账，未执行。"
            "请把台账放到可写的位置，或请管理员开放写权限；查询类命令（history、review、report、log）仍可使用。")


def backup_file(db, path: Path, target: Path, force: bool) -> bool:
    """A consistent copy of a ledger in use (SQLite's online backup) of connection `db` to the file at `path`.
    Creates a missing folder (returns True then); a full disk leaves nothing behind."""
    target = Path(target)
    if target.exists() and target.resolve() == Path(path).resolve():
        raise OutputRefused(f"备份文件 {target} 就是台账本身，不能备份到它自己。请另给一个文件名，如 备份/dibao-2026-12.db。")
    if target.is_dir():
        raise OutputRefused(f"备份目标 {target} 是文件夹。请给出备份文件名，如 {target / 'dibao-备份.db'}。")
    if target.exists() and not force:
        raise OutputRefused(f"备份文件 {target} 已存在，未覆盖。请换一个文件名，或加 --force 覆盖。")
    made_folder = False
    if target.parent.exists() and not target.parent.is_dir():
        raise OutputRefused(f"备份文件夹 {target.parent} 不存在，也无法建立（已有同名的文件）。请换一个文件夹。")
    if not target.parent.exists():
        try:
            target.parent.mkdir(parents=True)
        except OSError as exc:
            raise OutputRefused(f"备份文件夹 {target.parent} 不存在，也无法建立（{exc.strerror}）。") from None
        made_folder = True
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        dest = sqlite3.connect(str(tmp))
        try:
            db.backup(dest)
        finally:
            dest.close()
        os.replace(tmp, target)
    except (sqlite3.Error, OSError) as exc:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        full = getattr(exc, "sqlite_errorname", "") in ("SQLITE_FULL",) or \
            getattr(exc, "errno", None) in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)
        if full:
            raise OutputRefused(f"磁盘已满：无法写入备份 {target}，没有留下不完整的文件。请换一个磁盘或腾出空间后重试。") from None
        if getattr(exc, "sqlite_errorname", "").startswith("SQLITE_IOERR"):
            raise OutputRefused(f"无法写入备份 {target}：磁盘已满、文件超过系统允许的大小，或磁盘故障（{exc}）。"
                                "没有留下不完整的文件。") from None
        if getattr(exc, "sqlite_errorname", "").startswith(("SQLITE_CANTOPEN", "SQLITE_READONLY")):
            raise OutputRefused(f"无法写入备份 {target}：文件夹不可写（{exc}）。") from None
        if isinstance(exc, sqlite3.Error):
            raise translate(exc, path) from None
        raise OutputRefused(f"无法写入备份 {target}（{exc.strerror}）。") from None
    return made_folder
