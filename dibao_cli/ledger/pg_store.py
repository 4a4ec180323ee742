"""`Ledger` on PostgreSQL: the same interface and queries as the SQLite file (ledger/store.py); what differs
is opening, versions, transactions, staging and backup."""

from __future__ import annotations

import contextlib

from dibao_cli.errors import DibaoError, LedgerError
from dibao_cli.ledger import pg_schema
from dibao_cli.ledger.postgres import WRITE_LOCK, Connection, newer_message, redact, refuse_backup
from dibao_cli.ledger.schema import VERSION
from dibao_cli.ledger.store import Ledger

STAGED_FROM = {"households": "households", "members": "members", "events": "events", "carried": "households"}


class PgLedger(Ledger):
    backend = "postgresql"
    member_list_sql = "string_agg(x.id_number, chr(31) ORDER BY x.seq)"

    def __init__(self, path: str, create: bool = True, timeout: float = 120.0, write: bool | None = None,
                 check_tables: tuple[str, ...] | None = None, upgrade: bool = False):
        self.url = path
        self.path = redact(path)
        self.write = create if write is None else write
        self.timeout = timeout
        self.read_only = False
        self.created = False
        self._texts: dict[int, str] = {}
        self._ids: dict[str, int] = {}
        self._new: dict[str, int] = {}
        self._memo: dict[tuple, int] = {}
        self._parts: dict[tuple, str] = {}
        self.db = Connection(path, self.path, timeout)
        try:
            self._open(create, upgrade)
        except DibaoError:
            self.db.close()
            raise

    # ---- versions
    def _has_table(self, name: str) -> bool:
        # pg_tables read with the statement's snapshot (to_regclass may use an older catalog snapshot and miss
        # a table another process created while this one waited for the write lock)
        return self.db.execute("SELECT COUNT(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() "
                               "AND tablename = ?", (name,)).fetchone()[0] > 0

    def schema_version(self) -> int | None:
        if not self._has_table("dibao_schema"):
            return None
        row = self.db.execute("SELECT MAX(version) FROM dibao_schema").fetchone()
        return row[0] if row else None

    def _open(self, create: bool, upgrade: bool) -> None:
        version = self._version_found = self.schema_version()
        if version is not None and version > VERSION:
            raise LedgerError(newer_message(self.path, version))
        if version == VERSION:
            return
        if version is None and self._has_table("households"):
            raise LedgerError(f"数据库 {self.path} 中已有名为 households 的表，但不是 dibao 台账，dibao 没有改动它。"
                              "请为台账单独建一个数据库（createdb），再运行 dibao db upgrade。")
        if version is None and not (create or upgrade):
            raise LedgerError(f"数据库 {self.path} 中还没有 dibao 台账。请先运行 dibao db upgrade --db <连接串> 建立台账结构"
                              "（或直接用 dibao import 导入第一个月）。")
        if version is not None and not upgrade:
            raise LedgerError(f"台账 {self.path} 的结构是旧版本（{version}），本版本 dibao 需要 {VERSION}。"
                              "请台账管理员运行一次 dibao db upgrade --db <连接串>。")
        self._apply_steps()

    def upgrade(self) -> tuple[int | None, int]:
        """(version found when opened, version now): opening with upgrade=True applied the missing steps."""
        return self._version_found, VERSION

    def _apply_steps(self) -> None:
        """The missing steps, in one transaction."""
        with self.transaction():
            before = self.schema_version()
            if before is not None and before > VERSION:
                raise LedgerError(newer_message(self.path, before))
            for _version, statements in pg_schema.steps_from(before, VERSION):
                for statement in statements:
                    self.db.execute(statement)
            if before is not None and self._has_roles():  # the new structure's rights and policies
                from dibao_cli.ledger import pg_roles

                for statement in pg_roles.setup_statements():
                    self.db.execute(statement)

    def _has_roles(self) -> bool:
        """Whether `dibao db roles` has set up row-level security on this ledger."""
        return bool(self.db.execute("SELECT relrowsecurity FROM pg_catalog.pg_class WHERE oid = 'households'::regclass")
                    .fetchone()[0])

    # ---- transactions
    @contextlib.contextmanager
    def transaction(self):
        """One write transaction, all or nothing; writers take turns (one advisory lock), like SQLite's."""
        self.db.execute("BEGIN")
        try:
            self.db.execute("SELECT pg_advisory_xact_lock(?)", (WRITE_LOCK,))
            yield self.db
        except BaseException:
            with contextlib.suppress(Exception):
                self.db.execute("ROLLBACK")
            raise
        else:
            self.db.execute("COMMIT")

    @contextlib.contextmanager
    def snapshot(self):
        self.db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            yield self.db
        finally:
            with contextlib.suppress(Exception):
                self.db.execute("COMMIT")

    def check_integrity(self, tables=None) -> None:
        """PostgreSQL checks its own pages; nothing for dibao to do."""

    def close(self) -> None:
        self.db.close()

    def is_empty(self) -> bool:
        return not any(self.db.execute(f"SELECT 1 FROM {t} LIMIT 1").fetchone() for t in pg_schema.LEDGER_TABLES)

    def backup(self, target, force: bool) -> bool:
        raise refuse_backup(self.path)

    # ---- a township's import: the month's other townships are copied by the database (ledger/pg_township.py)
    def open_township_version(self, fields: dict, township: str) -> int:
        names = ("month", "assessed_on", "imported_at", "region", "policy_name", "policy_hash", "inputs", "skipped",
                 "dibao_version", "options")
        return self.db.execute(f"SELECT dibao_open_township_month(?, {', '.join('?' * len(names))})",
                               (township, *(fields[n] for n in names))).fetchone()[0]

    def count_version(self, import_id: int) -> None:
        self.db.execute("SELECT dibao_count_month(?)", (import_id,))

    # ---- roles
    def set_up_roles(self, township_clerks: dict[str, str], county: list[str], auditors: list[str],
                     admins: list[str]) -> None:
        """The group roles, row-level security and the change log (ledger/pg_roles.py), and their members."""
        from dibao_cli.ledger import pg_roles

        with self.transaction():
            for statement in pg_roles.setup_statements():
                self.db.execute(statement)
            for statement, params in pg_roles.member_statements(township_clerks, county, auditors, admins):
                self.db.execute(statement, params)

    # ---- whole tables
    def columns(self, table: str) -> list[str]:
        return [c for (c,) in self.db.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = ? ORDER BY ordinal_position", (table,)).fetchall()]

    def iter_rows(self, table: str, columns: tuple[str, ...]):
        return self.db.stream(f"SELECT {', '.join(columns)} FROM {table} ORDER BY ctid")  # as written

    def insert_rows(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        self.db.copy(table, columns, rows)

    def after_copy(self) -> None:
        """Identity columns continue after the largest id copied in."""
        for table in pg_schema.LEDGER_TABLES:
            if "id" in self.columns(table) and self.db.execute(
                    "SELECT pg_get_serial_sequence(?, 'id')", (table,)).fetchone()[0]:
                self.db.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)")

    # ---- staging: temporary tables of this session
    def open_staging(self, tables: dict[str, tuple[str, ...]]) -> None:
        for table, columns in tables.items():
            self.db.execute(f"DROP TABLE IF EXISTS staging_{table}")
            self.db.execute(f"CREATE TEMP TABLE staging_{table} AS SELECT {', '.join(columns)} "
                            f"FROM {STAGED_FROM[table]} WHERE false")

    def stage_rows(self, table: str, columns: tuple[str, ...], rows: list) -> None:
        self.db.copy(table.replace("staging.", "staging_"), columns, rows)

    def close_staging(self) -> None:
        for table in STAGED_FROM:
            self.db.execute(f"DROP TABLE IF EXISTS staging_{table}")

    def _remap_reasons(self, table: str, remap) -> None:
        table = table.replace("staging.", "staging_")
        rows = self.db.execute(f"SELECT DISTINCT reasons FROM {table} WHERE reasons LIKE '-%' OR reasons LIKE '%;-%'")
        pairs = [(old, remap(old)) for (old,) in rows.fetchall()]
        if not pairs:
            return
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS staging_remap (old TEXT, new TEXT)")
        self.db.execute("TRUNCATE staging_remap")
        self.db.copy("staging_remap", ("old", "new"), pairs)
        self.db.execute(f"UPDATE {table} t SET reasons = r.new FROM staging_remap r WHERE t.reasons = r.old")
