"""The ledger store: one interface (open, transaction, queries) over a SQLite file or a shared PostgreSQL
database; the queries here are shared by both.

Everything the rest of dibao needs from the ledger goes through `Ledger`. Writers take the write lock only
to write and wait up to `timeout` seconds for another writer, so two imports at once queue instead of
corrupting the ledger; a crash or Ctrl-C inside a transaction leaves the previous state.

Reading commands open the ledger without writing to it (a read-only file, folder or disk is fine); a
command that only reads never creates a ledger, and a ledger created by a command that then fails is
removed again.
"""

from __future__ import annotations

import datetime as _dt
import functools
import getpass
import json
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from dibao_cli import __version__
from dibao_cli.errors import LedgerError, NotFound  # noqa: F401 - LedgerError is part of the store's interface
from dibao_cli.ledger.queue import ImportQueue
from dibao_cli.ledger.sqlite import (  # noqa: F401 - LedgerBusy and translate are part of the store's interface
    DEFAULT_NAME,
    LedgerBusy,
    read_only_message,
    translate,
)
from dibao_cli.ledger.texts import TextStore
from dibao_cli.ledger.township import MonthVersions
from dibao_cli.status import COVERED_SQL

SEP = "\x1f"  # between the ID numbers of a household's members in PreviousMonth.members (month_rows.member_list)


# what an import reads of last month's households (a dictionary per household: read a dozen times each)
PREVIOUS_COLUMNS = ("household_id", "status", "total_fen", "phase_out_start", "phase_out_end", "enrolled_on", "township")


class MonthMissing(NotFound):
    """A --month the ledger does not have."""


def is_url(target) -> bool:
    """A PostgreSQL connection string (postgresql://... or host=... dbname=...) rather than a ledger file."""
    from dibao_cli.ledger.postgres import is_url as connection_string

    return connection_string(target)


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
    households: dict = field(default_factory=dict)  # household id -> its row
    members: dict = field(default_factory=dict)  # household id -> its members' ID numbers (month_rows.member_list)
    tekun: frozenset = frozenset()  # ID numbers of the people supported as 特困 that month

    @property
    def key(self) -> tuple:
        return (self.month, self.import_id, self.existing_id)

    @functools.cached_property
    def home(self) -> dict:
        """ID number -> household id, made when first asked for (only a household not in last month needs it)."""
        return {id_number: hid for hid, ids in self.members.items() for id_number in ids.split(SEP)}


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


class Ledger(TextStore, ImportQueue, MonthVersions):
    """The ledger: `Ledger(path)` opens a SQLite file (ledger/sqlite_store.py), `Ledger("postgresql://...")`
    the shared PostgreSQL ledger (ledger/pg_store.py)."""

    backend = ""
    # a household's members' ID numbers in their order, joined by SEP (GROUP BY household_id)
    member_list_sql = ""

    def __new__(cls, path, *args, **kwargs):
        if cls is Ledger:
            if is_url(path):
                from dibao_cli.ledger.pg_store import PgLedger as cls
            else:
                from dibao_cli.ledger.sqlite_store import SqliteLedger as cls
        return super().__new__(cls)

    path: Path | str
    write: bool
    read_only: bool
    created: bool

    # Each backend provides: opening and closing, schema_version/upgrade, transaction() (one writer at a
    # time, all or nothing), snapshot() (a consistent read), check_integrity, is_empty, backup, the staging
    # of an import (open_staging, stage_rows, close_staging, _remap_reasons) and whole-table copies (columns,
    # iter_rows, insert_rows, after_copy). Everything below is shared: the same SQL on both.

    def keep(self) -> None:
        """Keep this ledger when it is closed even if it has no rows (set up on purpose: db upgrade, db export)."""
        self.created = False

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

    def previous_month(self, month: str, township: str | None = None) -> PreviousMonth:
        """The month before `month` as committed, read once and consistently (one read transaction); only the
        households of `township` (and their members and 特困 persons) for an import of one township."""
        with self.snapshot():
            before = self.latest_month(before=month)
            prev = PreviousMonth(before, self._import_id(before), self._import_id(month))
            if prev.import_id is not None:
                # a township's import reads that township only (a join, not the whole month filtered here)
                own = "" if township is None else " AND COALESCE(h.township, '') = ?"
                params = (prev.import_id,) if township is None else (prev.import_id, township)
                through = ("" if township is None else " JOIN households h ON h.import_id = x.import_id "
                           "AND h.household_id = x.household_id")
                names = PREVIOUS_COLUMNS
                prev.households = {row[0]: dict(zip(names, row)) for row in self.db.execute(
                    f"SELECT {', '.join(names)} FROM households h WHERE import_id = ?{own}", params).fetchall()}
                # one string per household (not a row per member): most households have the same members as
                # last month, and one comparison of two strings tells
                prev.members = dict(self.db.execute(
                    f"SELECT x.household_id, {self.member_list_sql} FROM members x{through} WHERE x.import_id = ?{own} "
                    "GROUP BY x.household_id", params).fetchall())
                prev.tekun = frozenset(i for (i,) in self.db.execute(
                    f"SELECT x.id_number FROM assistance_tekun x{through} WHERE x.import_id = ?{own}", params))
        return prev

    def has_township(self, import_id: int | None, township: str) -> bool:
        """Whether an import holds households of `township`."""
        return import_id is not None and self.db.execute(
            "SELECT 1 FROM households WHERE import_id = ? AND COALESCE(township, '') = ? LIMIT 1",
            (import_id, township)).fetchone() is not None

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
        for hid, kind in self.db.execute("SELECT household_id, kind FROM events WHERE import_id = ? "
                                         "ORDER BY household_id, seq", (import_id,)):
            out.setdefault(hid, []).append(kind)
        return out

    def event_counts(self, month: str) -> dict[str, int]:
        import_id = self.require_month(month)
        return dict(self.db.execute("SELECT kind, COUNT(*) FROM events WHERE import_id = ? GROUP BY kind",
                                    (import_id,)).fetchall())

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
                f"SELECT import_id, household_id, kind, detail FROM events WHERE household_id IN ({marks}) "
                "ORDER BY import_id, household_id, seq",
                tuple(ids)).fetchall()
        finally:
            self.db.row_factory = None
        by_import: dict[tuple, list[str]] = {}
        for e in events:
            by_import.setdefault((e["import_id"], e["household_id"]), []).append(e["detail"])
        hidden = ("standard_fen", "marginal_line_fen")  # kept for notices; the history shows what it always showed
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


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name on some systems
        return "unknown"
