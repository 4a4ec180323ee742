"""Moving a ledger between backends: a county's SQLite file into the shared PostgreSQL database and back.

Every table is copied row by row with its ids (documents and audit entries keep their numbers), in one
transaction of the target, which must be an empty ledger of the same structure version. Columns only one
backend has (PostgreSQL's audit.db_user) are left out when the other side has no such column.
"""

from __future__ import annotations

from dibao_cli.errors import LedgerError
from dibao_cli.ledger.pg_schema import LEDGER_TABLES

BATCH = 20_000


def copy_ledger(source, target) -> dict[str, int]:
    """Copy every table of `source` into the empty ledger `target`; rows copied per table."""
    if source.schema_version() != target.schema_version():
        raise LedgerError(f"两个台账的结构版本不同（{source.path}：{source.schema_version()}，{target.path}："
                          f"{target.schema_version()}）。请先对两者都运行 dibao db upgrade。")
    if not target.is_empty():
        raise LedgerError(f"目标台账 {target.path} 已有数据，未导入。请导入到一个新的台账（新文件，或 createdb 新建的数据库）。")
    counts: dict[str, int] = {}
    with source.snapshot(), target.transaction():
        for table in LEDGER_TABLES:
            have = source.columns(table)
            columns = tuple(c for c in have if c in set(target.columns(table)))
            counts[table] = 0
            batch: list[tuple] = []
            for row in source.iter_rows(table, columns):
                batch.append(tuple(row))
                if len(batch) >= BATCH:
                    target.insert_rows(table, columns, batch)
                    counts[table] += len(batch)
                    batch = []
            if batch:
                target.insert_rows(table, columns, batch)
                counts[table] += len(batch)
        target.after_copy()
    return counts
