"""The ledger on a shared PostgreSQL database (--db postgresql://... or DIBAO_DB).

The ledger's SQL is written once, in SQLite's dialect (`?` placeholders, `INSERT OR IGNORE`, the staging
database `staging.x`); `dialect()` is the one place that turns it into PostgreSQL's. A connection wrapper
gives the store what it uses of sqlite3 (execute, executemany, rows by name, lastrowid), so the store's
queries serve both backends. Writers serialise on one advisory lock, as SQLite's writers do on the file:
an import is one transaction and computes against the month it then finds unchanged.

The connection string's password is never shown: messages name the database by `redact(url)`.
"""

from __future__ import annotations

import contextlib
import functools
import re
import urllib.parse

from dibao_cli.errors import DibaoError, LedgerError, OutputRefused
from dibao_cli.ledger.schema import VERSION
from dibao_cli.ledger.sqlite import LedgerBusy

SCHEMES = ("postgresql://", "postgres://")
WRITE_LOCK = 0x64696261  # the advisory lock every writer of the ledger takes (SQLite: the file's write lock)
ID_TABLES = frozenset(("imports", "audit", "texts", "pending_imports", "case_applications", "case_steps", "case_visits",
                       "case_signals", "assistance_cases"))


# the keyword form of a connection string (libpq's "host=db.example dbname=dibao user=clerk password=..."):
# it starts with one of libpq's connection keywords followed by "="
KEYWORDS = re.compile(r"^\s*(host|hostaddr|port|dbname|user|password|passfile|service|sslmode|connect_timeout|"
                      r"application_name|options|target_session_attrs)\s*=", re.IGNORECASE)
_KEYWORD_PASSWORD = re.compile(r"(?i)(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|\S*)")


def is_url(target) -> bool:
    """A PostgreSQL connection string (postgresql://... or the keyword form host=... dbname=...)."""
    return isinstance(target, str) and (target.startswith(SCHEMES) or KEYWORDS.match(target) is not None)


def redact(url: str) -> str:
    """The connection string as shown to people: the password replaced by ***. Anything that is not a
    connection string (a ledger file's path) is returned unchanged."""
    if not is_url(url):
        return url
    if not url.startswith(SCHEMES):
        return _KEYWORD_PASSWORD.sub(r"\1***", url)
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        query = re.sub(r"(?i)(password=)[^&]*", r"\1***", parts.query)
        return urllib.parse.urlunsplit(parts._replace(query=query))
    netloc = parts.netloc.rsplit("@", 1)
    user = netloc[0].split(":", 1)[0]
    query = re.sub(r"(?i)(password=)[^&]*", r"\1***", parts.query)
    return urllib.parse.urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[1]}", query=query))


@functools.lru_cache(maxsize=512)
def dialect(sql: str, returning: bool = False) -> str:
    """SQLite's dialect as the store writes it -> PostgreSQL's."""
    sql = sql.replace("%", "%%").replace("?", "%s")
    sql = re.sub(r"\bstaging\.(\w+)", r"staging_\1", sql)
    ignore = re.match(r"\s*INSERT OR IGNORE INTO", sql, re.I)
    if ignore:
        sql = "INSERT INTO" + sql[ignore.end():] + " ON CONFLICT DO NOTHING"
    if returning:
        table = re.match(r"\s*INSERT INTO (\w+)", sql, re.I)
        if table and table.group(1) in ID_TABLES and " RETURNING " not in sql.upper():
            sql += " RETURNING id"
    return sql


class Row:
    """A row readable by position and by column name, like sqlite3.Row."""

    __slots__ = ("_names", "_values")

    def __init__(self, names: dict, values: tuple):
        self._names = names
        self._values = values

    def __getitem__(self, key):
        return self._values[key if isinstance(key, int) else self._names[key]]

    def keys(self):
        return list(self._names)

    def __iter__(self):
        return iter(self._values)

    def __len__(self):
        return len(self._values)


class Cursor:
    def __init__(self, cursor, named: bool, lastrowid=None):
        self._cursor = cursor
        self.lastrowid = lastrowid
        self.rowcount = cursor.rowcount
        self._names = None
        if named and cursor.description:
            self._names = {}
            for i, column in enumerate(cursor.description):
                self._names.setdefault(column.name, i)

    def _row(self, row):
        return row if row is None or self._names is None else Row(self._names, row)

    def fetchone(self):
        return self._row(self._cursor.fetchone()) if self._cursor.description else None

    def fetchall(self):
        if not self._cursor.description:
            return []
        rows = self._cursor.fetchall()
        return rows if self._names is None else [Row(self._names, r) for r in rows]

    def __iter__(self):
        return iter(self.fetchall())


class Connection:
    """What the store uses of a sqlite3 connection, on psycopg (autocommit; BEGIN/COMMIT by the store)."""

    def __init__(self, url: str, shown: str, timeout: float):
        try:
            import psycopg
        except ImportError:
            raise LedgerError("使用 PostgreSQL 台账需要 psycopg（随 dibao 安装）；请重新安装 dibao，"
                              "或运行 pip install \"psycopg[binary]\"。") from None

        self.shown = shown
        self.row_factory = None
        try:
            self.conn = psycopg.connect(url, autocommit=True, application_name="dibao", connect_timeout=30)
        except psycopg.Error as exc:
            raise LedgerError(f"无法连接台账数据库 {shown}：{_reason(exc)}。请检查 --db / DIBAO_DB 中的主机、端口、"
                              "数据库名、用户名和密码，以及数据库服务是否在运行。") from None
        self.execute(f"SET lock_timeout = '{int(timeout * 1000)}ms'")

    def execute(self, sql: str, params=()):
        import psycopg

        text = dialect(sql, True)
        cursor = self.conn.cursor()
        try:
            cursor.execute(text, tuple(params))
            lastrowid = None
            if text.endswith(" RETURNING id"):
                row = cursor.fetchone()
                lastrowid = row[0] if row else None
            return Cursor(cursor, self.row_factory is not None, lastrowid)
        except psycopg.Error as exc:
            raise self.translate(exc) from None

    def executemany(self, sql: str, rows):
        import psycopg

        rows = [tuple(r) for r in rows]
        if not rows:
            return None
        try:
            with self.conn.cursor() as cursor:
                cursor.executemany(dialect(sql), rows)
        except psycopg.Error as exc:
            raise self.translate(exc) from None

    def copy(self, table: str, columns: tuple[str, ...], rows) -> None:
        """Rows into a table by COPY (a month's staged rows: the fast path)."""
        import psycopg

        try:
            with self.conn.cursor() as cursor, cursor.copy(
                    f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        except psycopg.Error as exc:
            raise self.translate(exc) from None

    def stream(self, sql: str, params=()):
        """Rows of a query fetched in batches by a server-side cursor (inside the caller's transaction)."""
        import psycopg

        try:
            with self.conn.cursor(name="dibao_stream") as cursor:
                cursor.itersize = 5000
                cursor.execute(dialect(sql), tuple(params))
                yield from cursor
        except psycopg.Error as exc:
            raise self.translate(exc) from None

    def commit(self) -> None:
        """Nothing to do: outside BEGIN ... COMMIT every statement commits itself (as sqlite3's commit())."""

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.close()

    def translate(self, exc) -> DibaoError:
        return translate(exc, self.shown)


def _reason(exc) -> str:
    """The server's message without anything that could carry a password (first line only)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return re.sub(r"(?i)password=\S+", "password=***", text)[:300]


def translate(exc, shown: str) -> DibaoError:
    from psycopg import errors

    if isinstance(exc, (errors.LockNotAvailable, errors.QueryCanceled, errors.DeadlockDetected)):
        return LedgerBusy(f"台账 {shown} 正被其他用户写入，等待后仍无法使用。请稍后重试。")
    if isinstance(exc, errors.InsufficientPrivilege):
        return LedgerError(f"台账 {shown}：当前数据库用户无权执行这一操作（{_reason(exc)}）。"
                           "乡镇经办人只能查看和导入本乡镇的户；请联系台账管理员。")
    if isinstance(exc, errors.CheckViolation) or "row-level security" in str(exc):
        return LedgerError(f"台账 {shown}：当前数据库用户不能写入其他乡镇的户（{_reason(exc)}）。请只导入本乡镇的名册。")
    if isinstance(exc, errors.DiskFull):
        return LedgerError(f"台账数据库 {shown} 的磁盘已满，本次没有写入任何内容。请联系数据库管理员。")
    if isinstance(exc, (errors.AdminShutdown, errors.ConnectionException)) or exc.__class__.__name__ == "OperationalError":
        return LedgerError(f"与台账数据库 {shown} 的连接中断（{_reason(exc)}）。本次没有写入；请稍后重试。")
    return LedgerError(f"台账 {shown} 出错（{_reason(exc)}）。")


def newer_message(shown: str, version: int) -> str:
    return (f"台账 {shown} 由更新版本的 dibao 建立或升级（结构版本 {version}，本版本只认识到 {VERSION}）。"
            "为免损坏数据，本版本不读写它。请升级 dibao 后再用。")


def refuse_backup(shown: str) -> OutputRefused:
    return OutputRefused(f"台账 {shown} 在 PostgreSQL 数据库中：请用 dibao db export 导出为 SQLite 文件，"
                         "或由数据库管理员用 pg_dump 备份。")
