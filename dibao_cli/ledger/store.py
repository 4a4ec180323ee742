"""The ledger store: one SQLite file behind a small interface (open, transaction, queries).

Everything the rest of dibao needs from the ledger goes through `Ledger`; a PostgreSQL backend for a
shared prefecture database would implement the same methods. Writers take the write lock at the start
(BEGIN IMMEDIATE) and wait up to `timeout` seconds for another writer, so two imports at once queue
instead of corrupting the file; a crash or Ctrl-C inside a transaction leaves the previous state.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import getpass
import json
import os
import sqlite3
import time
from pathlib import Path

from dibao_cli import __version__
from dibao_cli.errors import LedgerError, OutputRefused, UsageInvalid
from dibao_cli.ledger.schema import MIGRATIONS, VERSION

DEFAULT_NAME = "dibao.db"


def ledger_path(option: Path | None) -> Path:
    """--db, else $DIBAO_DB, else dibao.db in the working folder."""
    if option is not None:
        return Path(option)
    env = os.environ.get("DIBAO_DB")
    return Path(env) if env else Path.cwd() / DEFAULT_NAME


class Ledger:
    def __init__(self, path: Path, create: bool = True, timeout: float = 120.0):
        self.path = Path(path)
        if not create and not self.path.exists():
            raise LedgerError(f"找不到台账 {self.path}。请先用 dibao import 导入名册，或用 --db 指定台账文件。")
        new = not self.path.exists()
        try:
            self.db = sqlite3.connect(str(self.path), timeout=timeout, isolation_level=None)
            self._refuse_foreign()
            self._wal(timeout)
            self.db.execute("PRAGMA synchronous=FULL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            code = getattr(exc, "sqlite_errorcode", None)
            if new and code == 13:  # a ledger this run began to create on a full disk: leave nothing behind
                with contextlib.suppress(Exception):
                    self.db.close()
                for leftover in (self.path, Path(f"{self.path}-wal"), Path(f"{self.path}-shm")):
                    with contextlib.suppress(OSError):
                        leftover.unlink()
            if code == 13:  # SQLITE_FULL
                from dibao_cli.outputs import disk_full_message

                raise OutputRefused(disk_full_message(self.path)) from None
            if code in (11, 26):  # SQLITE_CORRUPT, SQLITE_NOTADB: only now is a backup the right advice
                raise LedgerError(f"台账 {self.path} 无法打开：它不是 dibao 台账或已损坏。"
                                  "如果它是台账，请用之前 dibao db backup 做的备份恢复。") from None
            if code == 14:  # SQLITE_CANTOPEN
                raise LedgerError(f"台账 {self.path} 无法打开或建立：文件夹不存在，或没有读写权限。"
                                  "请检查 --db 给出的路径。") from None
            if code in (5, 6):  # SQLITE_BUSY, SQLITE_LOCKED
                raise LedgerError(f"台账 {self.path} 正被另一个 dibao 命令长时间占用，等待后仍无法打开。"
                                  "请等那个命令结束后再试。") from None
            raise LedgerError(f"台账 {self.path} 无法打开（SQLite 错误代码 {code}）。请确认文件所在的文件夹可以写入；"
                              "仍不行时把这条信息交给维护人员。") from None

    def _refuse_foreign(self) -> None:
        """Another program's SQLite file given as the ledger (--db 错的文件) is left exactly as it is: dibao's tables
        and its user_version are created in one transaction, so tables without a version are not dibao's."""
        if self.db.execute("PRAGMA user_version").fetchone()[0] == 0 and self.db.execute(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]:
            self.db.close()
            raise LedgerError(f"{self.path} 不是 dibao 台账（是别的程序的数据库文件），dibao 没有改动它。"
                              "请用 --db 指定 dibao 的台账文件（默认是工作文件夹中的 dibao.db），或给一个新的文件名。")

    def verify(self) -> None:
        """SQLite's quick integrity check (every page readable and well formed), before a month is written:
        a damaged page anywhere is found before anything is added on top of it."""
        problems = [r[0] for r in self.db.execute("PRAGMA quick_check(5)")]
        if problems != ["ok"]:
            raise LedgerError(f"台账 {self.path} 已损坏（完整性检查未通过：{'；'.join(problems)[:200]}），没有导入。"
                              "请用之前 dibao db backup 做的备份恢复台账，或把台账文件交给维护人员检查。")

    def _wal(self, timeout: float) -> None:
        """Write-ahead logging (readers never block the writer); switching needs a moment alone with the file."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def close(self) -> None:
        self.db.close()

    def _migrate(self) -> None:
        """Bring the schema up to date in place. The version is read inside the write transaction, so two
        processes opening a new ledger at once cannot both create it."""
        if self.db.execute("PRAGMA user_version").fetchone()[0] == VERSION:
            return
        with self.transaction():
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            if version > VERSION:
                raise LedgerError(f"台账 {self.path} 由更新版本的 dibao 建立（结构版本 {version}），请升级 dibao。")
            while version < VERSION:
                for statement in MIGRATIONS[version].split(";"):
                    if statement.strip():
                        self.db.execute(statement)
                version += 1
            self.db.execute(f"PRAGMA user_version = {version}")

    @contextlib.contextmanager
    def transaction(self):
        """One write transaction: all or nothing."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        else:
            self.db.execute("COMMIT")

    # ---- months
    def active_import(self, month: str):
        return self.db.execute("SELECT id FROM imports WHERE month = ? AND superseded_by IS NULL", (month,)).fetchone()

    def months(self) -> list[str]:
        """The months the ledger holds (current imports only), oldest first."""
        return [r[0] for r in self.db.execute(
            "SELECT DISTINCT month FROM imports WHERE superseded_by IS NULL ORDER BY month")]

    def require_month(self, month: str) -> str:
        """`month` if the ledger holds it; otherwise a usage error naming the months it does hold."""
        if self.active_import(month) is not None:
            return month
        have = self.months()
        if not have:
            raise UsageInvalid(f"台账 {self.path} 中还没有任何月份；请先用 dibao import 导入。")
        shown = "、".join(have if len(have) <= 24 else have[:3] + ["……"] + have[-20:])
        raise UsageInvalid(f"台账 {self.path} 中没有 {month} 月的数据。台账中有：{shown}。"
                           f"请改用其中一个月份，或先用 dibao import 导入 {month} 月的名册。")

    def latest_month(self, before: str | None = None) -> str | None:
        if before is None:
            row = self.db.execute("SELECT MAX(month) FROM imports WHERE superseded_by IS NULL").fetchone()
        else:
            row = self.db.execute("SELECT MAX(month) FROM imports WHERE superseded_by IS NULL AND month < ?",
                                  (before,)).fetchone()
        return row[0] if row else None

    def households_of(self, month: str) -> dict[str, sqlite3.Row]:
        self.db.row_factory = sqlite3.Row
        try:
            rows = self.db.execute(
                "SELECT h.* FROM households h JOIN imports i ON i.id = h.import_id "
                "WHERE i.month = ? AND i.superseded_by IS NULL", (month,)).fetchall()
        finally:
            self.db.row_factory = None
        return {r["household_id"]: r for r in rows}

    def member_index(self, month: str) -> dict[str, str]:
        """ID number -> household of that month (for following a household whose 户编号 changed)."""
        rows = self.db.execute(
            "SELECT m.id_number, m.household_id FROM members m JOIN imports i ON i.id = m.import_id "
            "WHERE i.month = ? AND i.superseded_by IS NULL", (month,))
        return dict(rows)

    def members_of(self, month: str) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for id_number, hid in self.member_index(month).items():
            out.setdefault(hid, set()).add(id_number)
        return out

    def paid_months(self, household_id: str) -> list[tuple[str, int]]:
        """(month, monthly amount in fen) for every month the household was covered, oldest first."""
        return self.db.execute(
            "SELECT i.month, h.total_fen FROM households h JOIN imports i ON i.id = h.import_id "
            "WHERE h.household_id = ? AND i.superseded_by IS NULL AND h.status IN ('dibao', 'single_person', 'phase_out') "
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
        db.execute("CREATE TABLE IF NOT EXISTS doc_number_decisions (prefix TEXT NOT NULL, number INTEGER NOT NULL, "
                   "fingerprint TEXT NOT NULL, household_id TEXT NOT NULL, kind TEXT NOT NULL, issued_at TEXT NOT NULL, "
                   "PRIMARY KEY (prefix, number))")
        db.execute("CREATE INDEX IF NOT EXISTS doc_number_decisions_fp ON doc_number_decisions (prefix, fingerprint)")
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
        db.executemany("INSERT INTO doc_number_decisions VALUES (?, ?, ?, ?, ?, ?)", new_rows)
        if row:
            db.execute("UPDATE doc_numbers SET last = ? WHERE prefix = ?", (last, prefix))
        elif last != start:
            db.execute("INSERT INTO doc_numbers (prefix, last) VALUES (?, ?)", (prefix, last))
        return numbers

    def events_of(self, month: str) -> dict[str, list[str]]:
        """Event kinds by household for a month."""
        out: dict[str, list[str]] = {}
        for hid, kind in self.db.execute(
                "SELECT e.household_id, e.kind FROM events e JOIN imports i ON i.id = e.import_id "
                "WHERE i.month = ? AND i.superseded_by IS NULL", (month,)):
            out.setdefault(hid, []).append(kind)
        return out

    # ---- history
    def history(self, household_id: str) -> list[dict]:
        """Every month of a household, following links to earlier and later 户编号."""
        ids = {household_id}
        while True:
            marks = ",".join("?" * len(ids))
            rows = self.db.execute(
                f"SELECT household_id, linked_from FROM households WHERE household_id IN ({marks}) "
                f"OR linked_from IN ({marks})", (*ids, *ids)).fetchall()
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
        return [dict(r) | {"events": by_import.get((r["import_id"], r["household_id"]), [])} for r in rows]

    # ---- audit
    def audit(self, command: str, inputs: dict, policy_hash: str | None) -> None:
        self.db.execute(
            "INSERT INTO audit (at, os_user, command, inputs, policy_hash, dibao_version) VALUES (?, ?, ?, ?, ?, ?)",
            (_dt.datetime.now().isoformat(timespec="seconds"), _user(), command, json.dumps(inputs, ensure_ascii=False),
             policy_hash, __version__))

    def log(self, limit: int = 50) -> list[tuple]:
        return self.db.execute("SELECT at, os_user, command, inputs, policy_hash, dibao_version FROM audit "
                               "ORDER BY id DESC LIMIT ?", (limit,)).fetchall()

    def backup(self, target: Path, force: bool) -> None:
        """A consistent copy of a ledger in use (SQLite's online backup)."""
        from dibao_cli.outputs import atomic_path, disk_full_message

        target = Path(target)
        if target.exists() and target.resolve() == Path(self.path).resolve():
            raise OutputRefused(f"备份文件 {target} 就是台账本身，不能备份到它自己。请另给一个文件名，如 备份/dibao-2026-12.db。")
        if target.exists() and not force:
            raise OutputRefused(f"备份文件 {target} 已存在，未覆盖。请换一个文件名，或加 --force 覆盖。")
        # a temporary file in the target's folder, renamed when complete: a missing folder, a full disk or
        # Ctrl-C leave no empty or half-written backup behind
        with atomic_path(target, force) as tmp:
            dest = sqlite3.connect(str(tmp))
            try:
                self.db.backup(dest)
            except sqlite3.Error as exc:
                if getattr(exc, "sqlite_errorcode", None) == 13:  # SQLITE_FULL
                    raise OutputRefused(disk_full_message(target)) from None
                raise
            finally:
                dest.close()


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name on some systems
        return "unknown"
