"""The ledger store: one SQLite file behind a small interface (open, transaction, queries).

Everything the rest of dibao needs from the ledger goes through `Ledger`; a PostgreSQL backend for a
shared prefecture database would implement the same methods. Writers take the write lock only to write
(BEGIN IMMEDIATE) and wait up to `timeout` seconds for another writer, so two imports at once queue
instead of corrupting the file; a crash or Ctrl-C inside a transaction leaves the previous state.

Reading commands open the ledger without writing to it (a read-only file, folder or disk is fine); a
command that only reads never creates a ledger, and a ledger created by a command that then fails is
removed again.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import errno
import getpass
import json
import os
import socket
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from dibao_cli import __version__
from dibao_cli.errors import DibaoError, LedgerError, NotFound, OutputRefused
from dibao_cli.ledger.schema import MIGRATIONS, VERSION, compact_reasons, expand_reasons
from dibao_cli.ledger.sqlite import (  # noqa: F401 - LedgerBusy and translate are part of the store's interface
    DEFAULT_NAME,
    LedgerBusy,
    _Connection,
    _writable,
    read_only_message,
    translate,
)
from dibao_cli.status import COVERED_SQL

class MonthMissing(NotFound):
    """A --month the ledger does not have."""


def is_url(target) -> bool:
    """A PostgreSQL connection string (postgresql://...) rather than a ledger file."""
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


def ledger_path(option: Path | str | None) -> Path | str:
    """--db, else $DIBAO_DB, else dibao.db in the working folder; a postgresql:// URL stays a string."""
    if option is not None:
        return option if is_url(option) else Path(option)
    env = os.environ.get("DIBAO_DB")
    if env and is_url(env):
        return env
    return Path(env) if env else Path.cwd() / DEFAULT_NAME


def where_looked(path: Path) -> str:
    """How the path was chosen, for a message about a ledger that is not there."""
    env = os.environ.get("DIBAO_DB")
    if env and Path(env) == path:
        return f"{path}（环境变量 DIBAO_DB 指定）"
    if path == Path.cwd() / DEFAULT_NAME:
        return f"{path}（当前文件夹的默认台账，可用 --db 或环境变量 DIBAO_DB 指定其他位置）"
    return f"{path}（--db 指定）"


def month_ranges(months: list[str]) -> str:
    """'2026-01 至 2026-06、2026-09' for a sorted list of months."""
    def index(m: str) -> int:
        return int(m[:4]) * 12 + int(m[5:]) - 1

    parts, start, prev = [], None, None
    for m in months:
        if start is None:
            start = prev = m
        elif index(m) == index(prev) + 1:
            prev = m
        else:
            parts.append(start if start == prev else f"{start} 至 {prev}")
            start = prev = m
    if start is not None:
        parts.append(start if start == prev else f"{start} 至 {prev}")
    return "、".join(parts)


@dataclass
class PreviousMonth:
    """What an import needs from the month before it, read once: households and their members."""

    month: str | None
    import_id: int | None
    existing_id: int | None  # the month being imported, if it is already in the ledger
    households: dict = field(default_factory=dict)  # household id -> Record
    members: dict = field(default_factory=dict)  # household id -> set of ID numbers
    home: dict = field(default_factory=dict)  # ID number -> household id
    tekun: frozenset = frozenset()  # ID numbers of the people supported as 特困 that month

    @property
    def key(self) -> tuple:
        return (self.month, self.import_id, self.existing_id)


class Record:
    """One household row; its reasons are rendered from the stored text ids only when asked for."""

    __slots__ = ("_row", "_ledger")

    def __init__(self, row: sqlite3.Row, ledger: "Ledger"):
        self._row = row
        self._ledger = ledger

    def __getitem__(self, key):
        if key == "reasons":
            return self._ledger.render_reasons(self._row["reasons"])
        return self._row[key]

    def keys(self):
        return self._row.keys()

    def get(self, key, default=None):
        return self[key] if key in self._row.keys() else default


class Ledger:
    """The ledger: a SQLite file, or (given a postgresql:// URL) the PostgreSQL ledger of ledger/pg_store.py."""

    backend = "sqlite"

    def __new__(cls, path, *args, **kwargs):
        if cls is Ledger and is_url(path):
            from dibao_cli.ledger.pg_store import PgLedger

            return super().__new__(PgLedger)
        return super().__new__(cls)

    def __init__(self, path: Path, create: bool = True, timeout: float = 120.0, write: bool | None = None,
                 check_tables: tuple[str, ...] | None = None, upgrade: bool = False):
        self.path = Path(path)
        self.write = create if write is None else write
        self.timeout = timeout
        self._texts: dict[int, str] = {}
        self._ids: dict[str, int] = {}
        self._new: dict[str, int] = {}
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
    def open_staging(self, tables: dict[str, tuple[str, ...]]) -> None:
        """A private temporary database `staging` with the given tables (no durability needed)."""
        self.db.execute("ATTACH DATABASE '' AS staging")
        for table, columns in tables.items():
            self.db.execute(f"CREATE TABLE staging.{table} ({', '.join(columns)})")

    def stage_rows(self, table: str, columns: tuple[str, ...], rows: list) -> None:
        self.db.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", rows)

    def close_staging(self) -> None:
        self.db.execute("DETACH DATABASE staging")

    # ---- months
    def active_import(self, month: str):
        return self.db.execute("SELECT id FROM imports WHERE month = ? AND superseded_by IS NULL", (month,)).fetchone()

    def months(self) -> list[str]:
        """Every month in the ledger, oldest first."""
        return [m for (m,) in self.db.execute(
            "SELECT month FROM imports WHERE superseded_by IS NULL ORDER BY month").fetchall()]

    def require_month(self, month: str) -> int:
        """The import id of `month`; an error naming the months the ledger has when it is not there."""
        row = self.active_import(month)
        if row:
            return row[0]
        have = self.months()
        if not have:
            raise MonthMissing(f"台账 {self.path} 中还没有任何月份，没有 {month} 月的数据。请先用 dibao import 导入。")
        raise MonthMissing(f"台账 {self.path} 中没有 {month} 月的数据。台账中有：{month_ranges(have)}"
                           f"（共 {len(have)} 个月）。请检查 --month，或先导入 {month} 月。")

    def latest_month(self, before: str | None = None) -> str | None:
        if before is None:
            row = self.db.execute("SELECT MAX(month) FROM imports WHERE superseded_by IS NULL").fetchone()
        else:
            row = self.db.execute("SELECT MAX(month) FROM imports WHERE superseded_by IS NULL AND month < ?",
                                  (before,)).fetchone()
        return row[0] if row else None

    def later_months(self, month: str) -> list[str]:
        return [m for (m,) in self.db.execute(
            "SELECT month FROM imports WHERE superseded_by IS NULL AND month > ? ORDER BY month", (month,)).fetchall()]

    def _import_id(self, month: str | None) -> int | None:
        if month is None:
            return None
        row = self.active_import(month)
        return row[0] if row else None

    def households_of(self, month: str) -> dict[str, Record]:
        import_id = self._import_id(month)
        if import_id is None:
            return {}
        self.db.row_factory = sqlite3.Row
        try:
            rows = self.db.execute("SELECT * FROM households WHERE import_id = ?", (import_id,)).fetchall()
        finally:
            self.db.row_factory = None
        return {r["household_id"]: Record(r, self) for r in rows}

    def member_index(self, month: str) -> dict[str, str]:
        """ID number -> household of that month (for following a household whose 户编号 changed)."""
        import_id = self._import_id(month)
        if import_id is None:
            return {}
        return dict(self.db.execute("SELECT id_number, household_id FROM members WHERE import_id = ?", (import_id,)))

    def members_of(self, month: str) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for id_number, hid in self.member_index(month).items():
            out.setdefault(hid, set()).add(id_number)
        return out

    def previous_month(self, month: str) -> PreviousMonth:
        """The month before `month` as committed, read once and consistently (one read transaction)."""
        with self.snapshot():
            before = self.latest_month(before=month)
            prev = PreviousMonth(before, self._import_id(before), self._import_id(month))
            if prev.import_id is not None:
                self.db.row_factory = sqlite3.Row
                try:
                    rows = self.db.execute(
                        "SELECT household_id, status, total_fen, phase_out_start, phase_out_end, enrolled_on "
                        "FROM households WHERE import_id = ?", (prev.import_id,)).fetchall()
                finally:
                    self.db.row_factory = None
                prev.households = {r["household_id"]: r for r in rows}
                for id_number, hid in self.db.execute("SELECT id_number, household_id FROM members WHERE import_id = ?",
                                                      (prev.import_id,)):
                    prev.home[id_number] = hid
                    prev.members.setdefault(hid, set()).add(id_number)
                prev.tekun = frozenset(i for (i,) in self.db.execute(
                    "SELECT id_number FROM assistance_tekun WHERE import_id = ?", (prev.import_id,)))
        return prev

    def month_key(self, month: str) -> tuple:
        """(month before, its import, this month's import): what an import was computed against."""
        before = self.latest_month(before=month)
        return (before, self._import_id(before), self._import_id(month))

    def review_rows(self, month: str) -> list[tuple]:
        """What `review` needs of a month's households, nothing more (a province month is 300k rows): the
        columns of the case, whether a reason recognises it as 刚性支出, and how many of its people are 特困."""
        import_id = self.require_month(month)
        rigid_ids = {str(i) for (i,) in self.db.execute(
            "SELECT id FROM texts WHERE body LIKE '[\"rigid\",%'").fetchall()}
        tekun = dict(self.db.execute("SELECT household_id, COUNT(*) FROM assistance_tekun WHERE import_id = ? "
                                     "GROUP BY household_id", (import_id,)).fetchall())
        out = []
        for row in self.db.execute(
                "SELECT household_id, township, village, head_name, status, phase_out_end, last_check, can_work, "
                "enrolled_on, reasons FROM households WHERE import_id = ?", (import_id,)):
            rigid = bool(rigid_ids) and any(part.partition(":")[0] in rigid_ids for part in row[9].split(";"))
            out.append((*row[:9], rigid, tekun.get(row[0], 0)))
        return out

    def paid_months(self, household_id: str) -> list[tuple[str, int]]:
        """(month, monthly amount in fen) for every month the household was covered, oldest first."""
        return self.db.execute(
            "SELECT i.month, h.total_fen FROM households h JOIN imports i ON i.id = h.import_id "
            f"WHERE h.household_id = ? AND i.superseded_by IS NULL AND h.status IN {COVERED_SQL} "
            "ORDER BY i.month", (household_id,)).fetchall()

    def allocate_numbers(self, prefix: str, count: int) -> list[int]:
        """`count` document numbers under `prefix` that were never given before (one transaction)."""
        with self.transaction() as db:
            row = db.execute("SELECT last FROM doc_numbers WHERE prefix = ?", (prefix,)).fetchone()
            last = row[0] if row else 0
            if row:
                db.execute("UPDATE doc_numbers SET last = ? WHERE prefix = ?", (last + count, prefix))
            else:
                db.execute("INSERT INTO doc_numbers (prefix, last) VALUES (?, ?)", (prefix, last + count))
        return list(range(last + 1, last + count + 1))

    def decision_numbers(self, prefix: str, decisions: list[tuple[str, str, str]], renew: bool = False) -> list[int]:
        """A document number for each decision (fingerprint, household, kind), inside the caller's write
        transaction: a decision issued before under `prefix` keeps its number (another format, a re-run),
        unless `renew`; every other one gets the next number never given before."""
        db = self.db
        row = db.execute("SELECT last FROM doc_numbers WHERE prefix = ?", (prefix,)).fetchone()
        last = start = row[0] if row else 0
        known: dict[str, int] = {}
        if not renew:
            for fp, number in db.execute("SELECT fingerprint, MAX(number) FROM doc_number_decisions WHERE prefix = ? "
                                         "GROUP BY fingerprint", (prefix,)):
                known[fp] = number
        now = _dt.datetime.now().isoformat(timespec="seconds")
        numbers, new_rows = [], []
        for fp, household_id, kind in decisions:
            number = known.get(fp)
            if number is None:
                last += 1
                number = known[fp] = last
                new_rows.append((prefix, number, fp, household_id, kind, now))
            numbers.append(number)
        db.executemany("INSERT INTO doc_number_decisions (prefix, number, fingerprint, household_id, kind, issued_at) "
                       "VALUES (?, ?, ?, ?, ?, ?)", new_rows)
        if row:
            db.execute("UPDATE doc_numbers SET last = ? WHERE prefix = ?", (last, prefix))
        elif last != start:
            db.execute("INSERT INTO doc_numbers (prefix, last) VALUES (?, ?)", (prefix, last))
        return numbers

    def events_of(self, month: str) -> dict[str, list[str]]:
        """Event kinds by household for a month."""
        import_id = self._import_id(month)
        out: dict[str, list[str]] = {}
        if import_id is None:
            return out
        for hid, kind in self.db.execute("SELECT household_id, kind FROM events WHERE import_id = ?", (import_id,)):
            out.setdefault(hid, []).append(kind)
        return out

    def event_counts(self, month: str) -> dict[str, int]:
        import_id = self.require_month(month)
        return dict(self.db.execute("SELECT kind, COUNT(*) FROM events WHERE import_id = ? GROUP BY kind",
                                    (import_id,)).fetchall())

    # ---- repeated texts, stored once
    def load_texts(self) -> None:
        """Known texts before an import stages its rows (new ones get provisional negative ids)."""
        self._ids = {body: tid for tid, body in self.db.execute("SELECT id, body FROM texts").fetchall()}
        self._new: dict[str, int] = {}

    def _local_id(self, body: str) -> int:
        found = self._ids.get(body)
        if found is None:
            found = self._new.get(body)
            if found is None:
                found = self._new[body] = -(len(self._new) + 1)
        return found

    def compact_reasons(self, reasons) -> str:
        return compact_reasons(reasons, self._local_id)

    def settle_texts(self, table: str) -> None:
        """Store the texts new in this import (one short transaction) and give the staged rows of `table`
        their ids. Texts are only ever added, so one stored by an import that later fails does no harm."""
        if not self._new:
            return
        with self.transaction() as db:
            db.executemany("INSERT OR IGNORE INTO texts (body) VALUES (?)", [(b,) for b in self._new])
            final = {local: db.execute("SELECT id FROM texts WHERE body = ?", (body,)).fetchone()[0]
                     for body, local in self._new.items()}

        def remap(stored: str) -> str:
            parts = []
            for part in stored.split(";"):
                text_id, sep, rest = part.partition(":")
                tid = int(text_id)
                parts.append(f"{final[tid] if tid < 0 else tid}{sep}{rest}")
            return ";".join(parts)

        self._remap_reasons(table, remap)
        for body, local in self._new.items():
            self._ids[body] = final[local]
        self._new = {}

    def _remap_reasons(self, table: str, remap) -> None:
        self.db.create_function("dibao_remap", 1, remap, deterministic=True)
        self.db.execute(f"UPDATE {table} SET reasons = dibao_remap(reasons) "
                        "WHERE reasons LIKE '-%' OR reasons LIKE '%;-%'")

    def render_reasons(self, stored: str) -> str:
        """The stored reasons back to the JSON list of {code, text, basis} shown and printed."""
        return json.dumps(expand_reasons(stored, self._body), ensure_ascii=False)

    def _body(self, text_id: int) -> str:
        body = self._texts.get(text_id)
        if body is None:
            row = self.db.execute("SELECT body FROM texts WHERE id = ?", (text_id,)).fetchone()
            body = self._texts[text_id] = row[0] if row else '["", "", ""]'
        return body

    # ---- imports waiting their turn
    def register_import(self, month: str, in_transaction: bool = False) -> int:
        """Announce an import of `month`: later months wait for it, so months land in order."""
        with (contextlib.nullcontext(self.db) if in_transaction else self.transaction()) as db:
            host = socket.gethostname()
            stale = [(tid,) for tid, pid in db.execute("SELECT id, pid FROM pending_imports WHERE host = ?",
                                                       (host,)).fetchall() if not _alive(pid)]
            db.executemany("DELETE FROM pending_imports WHERE id = ?", stale)  # left by killed imports
            return db.execute("INSERT INTO pending_imports (month, host, pid, started_at) VALUES (?, ?, ?, ?)",
                              (month, socket.gethostname(), os.getpid(),
                               _dt.datetime.now().isoformat(timespec="seconds"))).lastrowid

    def unregister_import(self, ticket: int) -> None:
        """Withdraw an announcement (a landed import's was removed with its rows: then nothing is written)."""
        with contextlib.suppress(DibaoError, sqlite3.Error):
            if not self.db.execute("SELECT 1 FROM pending_imports WHERE id = ?", (ticket,)).fetchone():
                return
            with self.transaction() as db:
                db.execute("DELETE FROM pending_imports WHERE id = ?", (ticket,))

    def earlier_imports_running(self, month: str, ticket: int, clean: bool = True) -> list[str]:
        """Months before `month` that another import is still working on (stale entries of killed ones are cleared)."""
        host = socket.gethostname()
        running, stale = [], []
        for tid, other, other_host, pid, started in self.db.execute(
                "SELECT id, month, host, pid, started_at FROM pending_imports WHERE month < ? AND id <> ? ORDER BY month",
                (month, ticket)).fetchall():
            if (other_host == host and not _alive(pid)) or (other_host != host and _older_than(started, STALE_HOURS)):
                stale.append(tid)
            else:
                running.append(other)
        if stale and clean:
            with self.transaction() as db:
                db.executemany("DELETE FROM pending_imports WHERE id = ?", [(t,) for t in stale])
        return running

    def wait_for_earlier_imports(self, month: str, ticket: int, poll: float = 0.1, on_wait=None) -> None:
        """Until no import of an earlier month is under way (`on_wait(months)` is told once what it waits for)."""
        told = False
        while running := self.earlier_imports_running(month, ticket):
            if on_wait is not None and not told:
                on_wait(running)
                told = True
            time.sleep(poll)

    # ---- history
    def history(self, household_id: str) -> list[dict]:
        """Every month of a household, following links to earlier and later 户编号."""
        ids = {household_id}
        while True:
            marks = ",".join("?" * len(ids))
            rows = self.db.execute(
                f"SELECT household_id, linked_from FROM households WHERE household_id IN ({marks}) "
                f"UNION SELECT household_id, linked_from FROM households WHERE linked_from IN ({marks})",
                (*ids, *ids)).fetchall()
            found = set(ids)
            for hid, linked in rows:
                found.add(hid)
                if linked:
                    found.add(linked)
            if found == ids:
                break
            ids = found
        marks = ",".join("?" * len(ids))
        self.db.row_factory = sqlite3.Row
        try:
            rows = self.db.execute(
                f"SELECT i.month, i.id AS import_id, h.* FROM households h JOIN imports i ON i.id = h.import_id "
                f"WHERE h.household_id IN ({marks}) AND i.superseded_by IS NULL ORDER BY i.month", tuple(ids)).fetchall()
            events = self.db.execute(
                f"SELECT import_id, household_id, kind, detail FROM events WHERE household_id IN ({marks})",
                tuple(ids)).fetchall()
        finally:
            self.db.row_factory = None
        by_import: dict[tuple, list[str]] = {}
        for e in events:
            by_import.setdefault((e["import_id"], e["household_id"]), []).append(e["detail"])
        hidden = ("standard_fen",)  # kept for notices; the history shows what it always showed
        return [{k: r[k] for k in r.keys() if k not in hidden} | {"reasons": self.render_reasons(r["reasons"]),
                           "events": by_import.get((r["import_id"], r["household_id"]), [])} for r in rows]

    # ---- audit
    def audit(self, command: str, inputs: dict, policy_hash: str | None) -> None:
        self.db.execute(
            "INSERT INTO audit (at, os_user, command, inputs, policy_hash, dibao_version) VALUES (?, ?, ?, ?, ?, ?)",
            (_dt.datetime.now().isoformat(timespec="seconds"), _user(), command, json.dumps(inputs, ensure_ascii=False),
             policy_hash, __version__))

    def log(self, limit: int = 50) -> list[tuple]:
        return self.db.execute("SELECT at, os_user, command, inputs, policy_hash, dibao_version FROM audit "
                               "ORDER BY id DESC LIMIT ?", (limit,)).fetchall()

    def backup(self, target: Path, force: bool) -> bool:
        """A consistent copy of a ledger in use (SQLite's online backup). Creates a missing folder (returns
        True then); a full disk leaves nothing behind."""
        target = Path(target)
        if target.exists() and target.resolve() == Path(self.path).resolve():
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
                self.db.backup(dest)
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
                raise translate(exc, self.path) from None
            raise OutputRefused(f"无法写入备份 {target}（{exc.strerror}）。") from None
        return made_folder


STALE_HOURS = 6  # an import announced from another computer that long ago is taken as killed


def _older_than(stamp: str, hours: float) -> bool:
    try:
        return _dt.datetime.now() - _dt.datetime.fromisoformat(stamp) > _dt.timedelta(hours=hours)
    except ValueError:
        return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name on some systems
        return "unknown"
