"""`Ledger` on a SQLite file: opening (a read-only file, folder or disk is fine for reading), versions
(PRAGMA user_version; an older file is upgraded in place when opened), the write lock (BEGIN IMMEDIATE,
waiting up to `timeout` seconds for another writer), integrity checks before writing, staging in a private
temporary database, and the online backup."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from itertools import chain
from pathlib import Path

from dibao_cli.errors import DibaoError, LedgerError
from dibao_cli.ledger.schema import MIGRATIONS, VERSION
from dibao_cli.ledger.sqlite import LedgerBusy, _Connection, _writable, backup_file, read_only_message, translate
from dibao_cli.ledger.store import Ledger, where_looked


STAGED_VALUES = 5000  # values bound by one INSERT of staged rows (200 households, 500 members)


class SqliteLedger(Ledger):
    backend = "sqlite"
    # in the table's order (its key: import_id, household_id, seq); another order only costs a set comparison
    member_list_sql = "group_concat(x.id_number, char(31))"

    def __init__(self, path: Path, create: bool = True, timeout: float = 120.0, write: bool | None = None,
                 check_tables: tuple[str, ...] | None = None, upgrade: bool = False):
        self.path = Path(path)
        self.write = create if write is None else write
        self.timeout = timeout
        self._texts: dict[int, str] = {}
        self._ids: dict[str, int] = {}
        self._new: dict[str, int] = {}
        self._memo: dict[tuple, int] = {}
        self._parts: dict[tuple, str] = {}
        exists = self.path.exists()
        self.created = False  # set once the file is ours to remove again if the command fails
        if not exists and not create:
            raise LedgerError(f"找不到台账 {where_looked(self.path)}。请先用 dibao import 导入名册，或用 --db 指定台账文件。")
        if exists and self.path.is_dir():
            raise LedgerError(f"{self.path} 是文件夹，不是台账文件。请用 --db 指定台账文件。")
        if not exists and not self.path.parent.is_dir():
            raise LedgerError(f"无法建立台账 {self.path}：文件夹 {self.path.parent} 不存在。")
        writable = _writable(self.path)
        if self.write and not writable:
            raise LedgerError(read_only_message(self.path))
        self.read_only = not writable
        self.created = not exists
        try:
            if writable:
                self.db = sqlite3.connect(str(self.path), timeout=timeout, isolation_level=None, factory=_Connection)
            else:
                shm = Path(f"{self.path}-shm")
                flag = "mode=ro" if shm.exists() else "immutable=1"  # no -shm and no right to make one
                self.db = sqlite3.connect(f"{self.path.resolve().as_uri()}?{flag}", uri=True, timeout=timeout,
                                          isolation_level=None, factory=_Connection)
            self.db.ledger_path = self.path
            if exists:
                self._refuse_foreign()
            if writable:
                self._wal(timeout)
                self.db.execute("PRAGMA synchronous=FULL")
            self.db.execute("PRAGMA foreign_keys=ON")
            if self.write and exists:
                self.check_integrity(check_tables)  # a damaged page is found before anything is written
            self._migrate()
        except sqlite3.Error as exc:
            self._discard_if_new()
            raise translate(exc, self.path) from None
        except DibaoError:
            self._discard_if_new()
            raise

    def _refuse_foreign(self) -> None:
        """Another program's SQLite file given as the ledger (--db 错的文件) is left exactly as it is: dibao's tables
        and its user_version are created in one transaction, so tables without a version are not dibao's."""
        if self.db.execute("PRAGMA user_version").fetchone()[0] == 0 and self.db.execute(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]:
            raise LedgerError(f"{self.path} 不是 dibao 台账（是别的程序的数据库文件），dibao 没有改动它。"
                              "请用 --db 指定 dibao 的台账文件（默认是工作文件夹中的 dibao.db），或给一个新的文件名。")

    def _wal(self, timeout: float) -> None:
        """Write-ahead logging (readers never block the writer); switching needs a moment alone with the file."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.db.execute("PRAGMA journal_mode=WAL")
                return
            except LedgerBusy:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def close(self) -> None:
        """Close; a ledger this command created and left empty (the command failed) is removed."""
        try:
            empty = self.created and self.is_empty()
        except DibaoError:
            empty = self.created
        self.db.close()
        if empty:
            self._remove_files()

    def is_empty(self) -> bool:
        """No row in any table (a ledger just created by a command that then failed)."""
        tables = [t for (t,) in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                                "AND name NOT LIKE 'sqlite_%'").fetchall()]
        return not any(self.db.execute(f'SELECT 1 FROM "{t}" LIMIT 1').fetchone() for t in tables)

    def _discard_if_new(self) -> None:
        with contextlib.suppress(Exception):
            self.db.close()
        if self.created:
            self._remove_files()

    def _remove_files(self) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(OSError):
                os.remove(f"{self.path}{suffix}")

    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def upgrade(self) -> tuple[int | None, int]:
        """(version before, version now): a SQLite ledger is brought up to date when it is opened."""
        return self._version_found, VERSION

    def _migrate(self) -> None:
        """Bring the schema up to date in place. The version is read inside the write transaction, so two
        processes opening a new ledger at once cannot both create it."""
        version = self._version_found = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version == VERSION:
            return
        if version > VERSION:
            raise LedgerError(f"台账 {self.path} 由更新版本的 dibao 建立（结构版本 {version}），请升级 dibao。")
        if self.read_only:
            raise LedgerError(f"台账 {self.path} 由旧版本的 dibao 建立，需要先升级结构，但它是只读的。"
                              "请在可写的位置用本版本运行一次任一命令（如 dibao log）完成升级。")
        with self.transaction():
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            if version > VERSION:
                raise LedgerError(f"台账 {self.path} 由更新版本的 dibao 建立（结构版本 {version}），请升级 dibao。")
            while version < VERSION:
                step = MIGRATIONS[version]
                if callable(step):
                    step(self.db)
                else:
                    for statement in step.split(";"):
                        if statement.strip():
                            self.db.execute(statement)
                version += 1
            self.db.execute(f"PRAGMA user_version = {version}")

    @contextlib.contextmanager
    def transaction(self):
        """One write transaction: all or nothing."""
        if self.read_only:
            raise LedgerError(read_only_message(self.path))
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            with contextlib.suppress(sqlite3.Error, DibaoError):
                self.db.execute("ROLLBACK")
            raise
        else:
            self.db.execute("COMMIT")

    @contextlib.contextmanager
    def snapshot(self):
        """A read transaction: every query inside sees the same committed state."""
        self.db.execute("BEGIN")
        try:
            yield self.db
        finally:
            with contextlib.suppress(sqlite3.Error, DibaoError):
                self.db.execute("COMMIT")

    def check_integrity(self, tables: tuple[str, ...] | None = None) -> None:
        """Before writing: SQLite's own check of every page (a damaged page is found before anything is added),
        or of only the `tables` a command writes (their pages and indexes: a small write on a large ledger)."""
        try:
            if tables:
                rows = []
                for table in tables:
                    rows += [r[0] for r in sqlite3.Connection.execute(self.db, f"PRAGMA quick_check({table})").fetchall()
                             if r[0] != "ok"]
                rows = rows or ["ok"]
            else:
                rows = [r[0] for r in sqlite3.Connection.execute(self.db, "PRAGMA quick_check(5)").fetchall()]
        except sqlite3.DatabaseError as exc:
            if not getattr(exc, "sqlite_errorname", "").startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
                raise translate(exc, self.path) from None
            rows = [str(exc)]
        if rows != ["ok"]:
            raise LedgerError(f"台账 {self.path} 已损坏（完整性检查未通过：{'；'.join(rows)[:300]}）。"
                              "本次没有写入；请用 dibao db backup 做的备份恢复，再重新导入之后的月份。")

    # ---- whole tables (moving a ledger to another backend: ledger/transfer.py)
    def columns(self, table: str) -> list[str]:
        return [r[1] for r in self.db.execute(f"PRAGMA table_info({table})").fetchall()]

    def iter_rows(self, table: str, columns: tuple[str, ...]):
        """Every row of `table` in the order it was written (rowid; the key of a table without one), streamed:
        a household's events keep their order."""
        return self.db.execute(f"SELECT {', '.join(columns)} FROM {table}")

    def insert_rows(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        self.db.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", rows)

    def after_copy(self) -> None:
        """After rows were copied in with their ids (nothing to do: SQLite continues after the largest id)."""

    # ---- the month being imported, staged outside the write lock
    def open_staging(self, tables: dict[str, tuple[str, ...]], path: str | None = None) -> None:
        """A private temporary database `staging` with the given tables (no durability needed); `path`: a file of
        a helper process's (ledger/month_helper.py) instead."""
        self.db.execute("ATTACH DATABASE ? AS staging", (path or "",))
        if path:
            self.db.execute("PRAGMA staging.journal_mode=OFF")
            self.db.execute("PRAGMA staging.synchronous=OFF")
        for table, columns in tables.items():
            self.db.execute(f"CREATE TABLE staging.{table} ({', '.join(columns)})")

    def own_connection(self) -> None:
        """In a forked helper process: a connection of its own (in memory, for staging into a file of its own);
        the inherited one belongs to the parent and is never used or closed here."""
        self.db = sqlite3.connect(":memory:", isolation_level=None, factory=_Connection)
        self.db.ledger_path = self.path

    staging_helper = False  # a helper process's staged rows are attached as `helper` (adopt_staged)

    def adopt_staged(self, path: str, events: tuple[str, ...], seq_from: int) -> tuple[str | None, int]:
        """A helper process's staged rows (the file `path`): its households and members stay in its file, attached
        as `helper` until staging is closed (Staging.store copies them from there); its events are copied after
        ours, their seq after `seq_from`. (Its summary or None: nothing was taken; the number of its events.)"""
        self.db.execute("ATTACH DATABASE ? AS helper", (path,))
        self.staging_helper = True
        found = self.db.execute("SELECT COUNT(*) FROM helper.sqlite_master WHERE name = 'summary'").fetchone()[0]
        row = self.db.execute("SELECT body FROM helper.summary").fetchone() if found else None
        if row is None:
            self.staging_helper = False
            self.db.execute("DETACH DATABASE helper")
            return None, 0
        count = self.db.execute("SELECT COUNT(*) FROM helper.events").fetchone()[0]
        names = ", ".join(events)
        picked = ", ".join("seq + ?" if c == "seq" else c for c in events)
        self.stage_copy(f"INSERT INTO staging.events ({names}) SELECT {picked} FROM helper.events ORDER BY rowid",
                        (seq_from,))  # the last step: when it fails, nothing of the helper's was taken
        return row[0], count

    def stage_copy(self, statement: str, params: tuple) -> None:
        """One statement writing the staging database, in a transaction of its own (as stage_rows)."""
        self.db.execute("BEGIN")
        try:
            self.db.execute(statement, params)
        except BaseException:
            with contextlib.suppress(sqlite3.Error, DibaoError):
                self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def stage_rows(self, table: str, columns: tuple[str, ...], rows: list) -> None:
        """Rows into a staging table in one transaction of the temporary database (outside one, every row would
        be a transaction of its own). It takes no lock on the ledger: only `staging` is written."""
        if self.db.in_transaction:
            self._stage(table, columns, rows)
            return
        self.db.execute("BEGIN")
        try:
            self._stage(table, columns, rows)
        except BaseException:
            with contextlib.suppress(sqlite3.Error, DibaoError):
                self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _stage(self, table: str, columns: tuple[str, ...], rows: list) -> None:
        """INSERT of many rows per statement (a VALUES list of up to STAGED_VALUES values), in order: a quarter
        less work than one statement per row, which binds the same values but steps once for each row."""
        one = f"({', '.join('?' * len(columns))})"
        head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
        per = max(1, min(STAGED_VALUES, self._max_values()) // len(columns))  # rows per statement
        full = len(rows) - len(rows) % per
        if full:
            insert = head + ", ".join([one] * per)
            for start in range(0, full, per):
                self.db.execute(insert, list(chain.from_iterable(rows[start:start + per])))
        if full < len(rows):
            rest = rows[full:]
            self.db.execute(head + ", ".join([one] * len(rest)), list(chain.from_iterable(rest)))

    def _max_values(self) -> int:
        """The most values one statement may bind (999 in SQLite before 3.32)."""
        getlimit = getattr(self.db, "getlimit", None)  # Python 3.11
        return getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) if getlimit is not None else 999

    def close_staging(self) -> None:
        if self.staging_helper:
            self.staging_helper = False
            self.db.execute("DETACH DATABASE helper")
        self.db.execute("DETACH DATABASE staging")

    def _remap_reasons(self, table: str, remap) -> None:
        """The staged reasons get their texts' ids as they are copied into the ledger (Staging.store), not by
        rewriting every staged row first (each distinct stored value is remapped once)."""
        self.db.create_function("dibao_remap", 1, remap, deterministic=True)
        self.staged_reasons = "dibao_remap(reasons)"

    def backup(self, target: Path, force: bool) -> bool:
        """A consistent copy of a ledger in use (SQLite's online backup); True when the folder was made."""
        return backup_file(self.db, self.path, target, force)
