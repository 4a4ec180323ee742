"""An import's rows wait in the staging tables (ledger/staging.py) in the order they were made: SQLite stages many
rows per INSERT (ledger/sqlite_store.py), within the statement's variable limit, and the rows read back are the
rows given, in order (the events keep their order), for any number of rows and any limit."""

import sqlite3
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dibao_cli.ledger.staging import MEMBER_COLUMNS
from dibao_cli.ledger.store import Ledger

VALUES = st.one_of(st.none(), st.integers(-2**63, 2**63 - 1), st.text(max_size=8))


def _staged(tmp_path, rows, limit=None):
    ledger = Ledger(tmp_path / "l.db")
    try:
        if limit is not None:
            ledger.db.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, limit)
        ledger.open_staging({"members": MEMBER_COLUMNS})
        half = len(rows) // 2
        ledger.stage_rows("staging.members", MEMBER_COLUMNS, rows[:half])  # two batches, as an import flushes
        ledger.stage_rows("staging.members", MEMBER_COLUMNS, rows[half:])
        return ledger.db.execute(f"SELECT {', '.join(MEMBER_COLUMNS)} FROM staging.members ORDER BY rowid").fetchall()
    finally:
        ledger.close()


def test_a_month_of_rows_is_staged_in_order(tmp_path):
    rows = [(f"H{i // 3:05d}", f"63252119800101{i:04d}", "张三", "户主", i % 2, "1980-01-01", None, "有", 1, i % 3 + 1)
            for i in range(12_345)]
    assert _staged(tmp_path, rows) == rows


@pytest.mark.skipif(sys.version_info < (3, 11), reason="Connection.setlimit is Python 3.11")
@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(*[VALUES] * len(MEMBER_COLUMNS)), max_size=700), st.sampled_from([10, 11, 99, 999]))
def test_rows_are_staged_in_order_under_any_variable_limit(tmp_path_factory, rows, limit):
    assert _staged(tmp_path_factory.mktemp("staging"), rows, limit) == rows
