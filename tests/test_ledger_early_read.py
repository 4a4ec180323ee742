"""While a large roster's rows load in a child process, `dibao import` reads the month before and hashes its input
files (ledger/monthly.py EarlyRead, through read_rosters' `while_loading`) instead of waiting. The ledger must be
the same, table by table, as when the import reads them after the roster; a month before that changed in between
(another import landed) is read again; an input file changed in between is hashed again; an early read that fails
leaves the import to read the month itself."""

from __future__ import annotations

import hashlib
import json
import os

import pytest

from dibao_cli.ledger.monthly import EarlyRead, import_month
from dibao_cli.ledger.store import Ledger
from dibao_cli.reading import columnar
from dibao_cli.reading.roster import read_rosters
from test_engine_random import DAY, POLICIES
from test_ledger_columnar import _dump, _generate, _next_month


@pytest.fixture
def child_loads(monkeypatch):
    """Every .xlsx sheet is read by columns, loaded in a child process (so the import has time to read early)."""
    monkeypatch.setenv("DIBAO_READER", "columnar")
    monkeypatch.setattr(columnar, "PARALLEL_FROM_BYTES", 0)


@pytest.fixture
def taken(monkeypatch) -> list[bool]:
    """For each import, whether it took the month before as read early."""
    seen: list[bool] = []
    take = EarlyRead.take_previous

    def spy(self, *args):
        previous = take(self, *args)
        seen.append(previous is not None)
        return previous

    monkeypatch.setattr(EarlyRead, "take_previous", spy)
    return seen


def test_the_ledger_is_the_same_whether_the_month_before_was_read_early(run, backend, monkeypatch, tmp_path,
                                                                       child_loads, taken):
    first = _generate(tmp_path, 1500, "--messy")
    second = _next_month(first, tmp_path / "second.xlsx")
    third = _next_month(second, tmp_path / "third.xlsx")
    # the last import replaces February: March is computed again from its own file (an import of its own)
    steps = [("2026-01", first, ()), ("2026-02", second, ()), ("2026-03", third, ()), ("2026-02", first, ("--replace",))]
    dumps = []
    for early in (True, False):
        if not early:
            monkeypatch.setattr(EarlyRead, "read", lambda self: None)  # nothing read early: the import reads it
        db = str(tmp_path / f"early-{early}.db")
        codes = [run("import", roster, "--month", month, "--db", db, "--skip-invalid", *extra).code
                 for month, roster, extra in steps]
        assert codes == [1, 1, 1, 1]  # the messy rosters' households in error are skipped and listed
        dumps.append(_dump(run, backend, db))
    assert taken == [True] * 5 + [False] * 5  # four imports and the computing again of March, each way
    early, late = dumps
    assert early.keys() == late.keys()
    for table in late:
        assert early[table] == late[table], table
    assert len(late["households"]) > 1500


def _roster(path):
    return read_rosters([path], sheet=None, all_sheets=False, encoding=None, on_date=DAY)


def test_a_month_before_that_changed_meanwhile_is_read_again(tmp_path, taken):
    first = _generate(tmp_path, 400)
    second = _next_month(first, tmp_path / "second.xlsx")
    third = _next_month(second, tmp_path / "third.xlsx")
    policy = POLICIES["province"]
    dumps = {}
    for case in ("replaced meanwhile", "replaced before", "not replaced"):
        ledger = Ledger(tmp_path / f"{case}.db")
        try:
            import_month(ledger, _roster(first), policy, "2026-01", DAY, [first], True, False, "t")
            early = EarlyRead(ledger, "2026-02", [third])
            early.read()  # January as it is now
            if case != "not replaced":  # January is replaced before February is computed
                import_month(ledger, _roster(second), policy, "2026-01", DAY, [second], True, True, "t")
            import_month(ledger, _roster(third), policy, "2026-02", DAY, [third], True, False, "t",
                         early=early if case == "replaced meanwhile" else None)
            dumps[case] = {table: ledger.db.execute(f"SELECT * FROM {table} WHERE import_id = "
                                                    "(SELECT id FROM imports WHERE month = '2026-02')").fetchall()
                           for table in ("households", "members", "events")}
        finally:
            ledger.close()
    assert taken == [False]  # the January read early was not the ledger's any more
    assert dumps["replaced meanwhile"] == dumps["replaced before"]
    assert dumps["replaced before"]["events"] != dumps["not replaced"]["events"]  # which January counts shows
    assert len(dumps["replaced before"]["households"]) > 50


def test_an_input_file_changed_after_it_was_hashed_is_hashed_again(tmp_path):
    roster = tmp_path / "roster.xlsx"
    roster.write_bytes(b"the first version")
    ledger = Ledger(tmp_path / "l.db")
    try:
        early = EarlyRead(ledger, "2026-02", [roster])
        early.read()
        assert early.file_hash(roster) == hashlib.sha256(b"the first version").hexdigest()
        roster.write_bytes(b"the second version, longer")
        assert early.file_hash(roster) == hashlib.sha256(b"the second version, longer").hexdigest()
        early.read()
        before = roster.stat()
        roster.write_bytes(b"the third version, longer!")  # as long, with the time of change put back (cp -p)
        os.utime(roster, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert roster.stat().st_size == before.st_size and roster.stat().st_mtime_ns == before.st_mtime_ns
        assert early.file_hash(roster) == hashlib.sha256(b"the third version, longer!").hexdigest()
    finally:
        ledger.close()


def test_the_input_hashes_recorded_are_those_of_the_files_imported(run, tmp_path, child_loads, taken):
    roster = _generate(tmp_path, 300)
    assert run("import", roster, "--month", "2026-01", "--db", "l.db").code == 0
    con = run.connect("l.db")
    try:
        (inputs,) = con.execute("SELECT inputs FROM imports WHERE month = '2026-01'").fetchone()
    finally:
        con.close()
    assert json.loads(inputs) == {str(roster.resolve()): hashlib.sha256(roster.read_bytes()).hexdigest()}
    assert taken == [True]


def test_an_early_read_that_fails_leaves_the_import_to_read_the_month(tmp_path, taken):
    first = _generate(tmp_path, 300)
    policy = POLICIES["province"]
    ledger = Ledger(tmp_path / "l.db")
    try:
        import_month(ledger, _roster(first), policy, "2026-01", DAY, [first], True, False, "t")
        # a file that cannot be read is left to be hashed (and refused) later; the month is still read early
        early = EarlyRead(ledger, "2026-02", [tmp_path / "gone.xlsx"])
        early.read()
        assert early.hashes == {} and early.previous is not None and early.previous.month == "2026-01"
        # a ledger that cannot be read early (here its connection is gone): the import reads the month itself
        lost = Ledger(tmp_path / "l.db")
        lost.close()
        early = EarlyRead(lost, "2026-02", [first])
        early.read()
        assert early.previous is None and str(first) in early.hashes
        report = import_month(ledger, _roster(first), policy, "2026-02", DAY, [first], True, False, "t", early=early)
        assert report.households > 50 and not report.events.get("new")  # January was read: nobody is new
    finally:
        ledger.close()
    assert taken == [False]
