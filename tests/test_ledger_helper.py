"""A large month's later households are assessed and staged in a forked helper process (ledger/month_helper.py) and
adopted from its file. The ledger must be the same, table by table and row by row, as when one process does
everything (DIBAO_LEDGER_HELPER=off): on the examples, on generated clean, messy and mixed rosters over months,
on random rosters (hypothesis); and when the helper fails (its memory ceiling) or the import is stopped while it
runs, the month is the same or not there at all, and no helper process is left."""

from __future__ import annotations

import errno
import os
import signal
import stat
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES
from dibao_cli import forked
from dibao_cli.assess.decided_result import BLOCK
from dibao_cli.ledger import month_helper
from dibao_cli.ledger.month_rows import MonthRows
from dibao_cli.ledger.monthly import import_month
from dibao_cli.ledger.store import Ledger
from test_engine_random import DAY, POLICIES, rosters
from test_ledger_columnar import _dump, _generate, _next_month


@pytest.fixture
def adopted(monkeypatch) -> list[bool]:
    """What each helper's adoption gave (True: its rows were taken; False: this process did its part)."""
    seen: list[bool] = []
    adopt = month_helper.Helper.adopt

    def spy(self, staging, report):
        seen.append(adopt(self, staging, report))
        return seen[-1]

    monkeypatch.setattr(month_helper.Helper, "adopt", spy)
    return seen


def _import_both(run, monkeypatch, tmp_path, months, helper: str = "always") -> dict[str, list]:
    dumps = []
    for mode in ("off", helper):
        monkeypatch.setenv("DIBAO_LEDGER_HELPER", mode)
        db = str(tmp_path / f"{mode}.db")
        codes = [run("import", roster, "--month", month, "--db", db, "--skip-invalid").code for month, roster in months]
        dumps.append((codes, _dump(run, "sqlite", db)))
    (codes, alone), (codes2, helped) = dumps
    assert codes2 == codes
    assert helped.keys() == alone.keys()
    for table in alone:
        assert helped[table] == alone[table], table
    return helped


def test_the_examples_are_stored_the_same_with_a_helper(run, monkeypatch, tmp_path, adopted):
    months = [("2026-10", EXAMPLES / "roster.xlsx"), ("2026-11", EXAMPLES / "roster.xlsx"),
              ("2026-12", _next_month(EXAMPLES / "roster.xlsx", tmp_path / "next.xlsx")),
              ("2027-01", EXAMPLES / "messy-roster.xlsx"), ("2027-02", EXAMPLES / "tiered-roster.xlsx")]
    tables = _import_both(run, monkeypatch, tmp_path, months)
    assert adopted == [True] * len(months)
    assert len(tables["texts"]) > 10
    assert len(tables["assistance_tekun"]) > 0


@pytest.mark.parametrize("flags", [(), ("--messy",), ("--messy", "--mixed")])
def test_generated_rosters_over_months_are_stored_the_same_with_a_helper(run, monkeypatch, tmp_path, adopted, flags):
    first = _generate(tmp_path, 3000, *flags)
    second = _next_month(first, tmp_path / "second.xlsx")
    third = _next_month(second, tmp_path / "third.xlsx")
    months = [("2026-01", first), ("2026-02", second), ("2026-03", third), ("2026-04", first)]
    tables = _import_both(run, monkeypatch, tmp_path, months)
    assert adopted == [True] * len(months)
    kinds = {row[2] for row in tables["events"]}
    assert {"new", "exit", "phase_out_started", "amount_changed", "member_added", "member_removed", "linked",
            "disappeared"} <= kinds, kinds


def test_a_large_month_is_split_in_whole_blocks(run, monkeypatch, tmp_path, adopted):
    parts = []
    split = month_helper.split

    def seen(ledger, assessment):
        parts.append([len(part.pending) for part in split(ledger, assessment) if part is not None])
        return split(ledger, assessment)

    monkeypatch.setattr(month_helper, "split", seen)
    roster = _generate(tmp_path, 26_000)  # about 8,700 households: the first block here, the rest in a helper
    _import_both(run, monkeypatch, tmp_path, [("2026-01", roster), ("2026-02", roster)])
    assert adopted == [True, True]
    n = parts[0][0]
    assert 2 * BLOCK < n < 3 * BLOCK
    assert parts == [[n], [n], [BLOCK, n - BLOCK], [BLOCK, n - BLOCK]]  # one part without a helper (off)


def test_a_helper_that_dies_leaves_the_month_to_this_process(run, monkeypatch, tmp_path, adopted):
    start = month_helper.Helper.__init__

    def killed(self, *args):  # the helper dies at once (the system's out-of-memory killer, a crash)
        start(self, *args)
        os.kill(self._pid, signal.SIGKILL)

    monkeypatch.setattr(month_helper.Helper, "__init__", killed)
    first = _generate(tmp_path, 3000, "--messy")
    months = [("2026-01", first), ("2026-02", _next_month(first, tmp_path / "second.xlsx"))]
    _import_both(run, monkeypatch, tmp_path, months)
    assert adopted == [False, False]


def test_an_import_stopped_while_its_helper_runs_leaves_no_month_and_no_process(monkeypatch, tmp_path):
    monkeypatch.setenv("DIBAO_LEDGER_HELPER", "always")
    roster_file = _generate(tmp_path, 600)
    from dibao_cli.reading.roster import read_rosters

    roster = read_rosters([roster_file], sheet=None, all_sheets=False, encoding=None, on_date=DAY)
    helpers: list[int] = []
    start = month_helper.Helper.__init__

    def started(self, *args):
        start(self, *args)
        helpers.append(self._pid)

    def stopped(*args):
        raise KeyboardInterrupt  # Ctrl-C while this process stages its half

    monkeypatch.setattr(month_helper.Helper, "__init__", started)
    monkeypatch.setattr(MonthRows, "add", stopped)
    ledger = Ledger(tmp_path / "l.db")
    try:
        with pytest.raises(KeyboardInterrupt):
            import_month(ledger, roster, POLICIES["province"], "2026-11", DAY, [roster_file], True, False, "test")
        assert ledger.months() == []
    finally:
        ledger.close()
    assert len(helpers) == 1
    with pytest.raises(ChildProcessError):
        os.waitpid(helpers[0], os.WNOHANG)  # reaped, not left running or as a zombie


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                                 HealthCheck.function_scoped_fixture])
@given(roster=rosters(), which=st.sampled_from(sorted(POLICIES)))
def test_random_rosters_are_stored_the_same_with_a_helper(tmp_path_factory, monkeypatch, roster, which):
    folder = tmp_path_factory.mktemp("helper")
    source = Path(folder / "roster.xlsx")
    source.write_bytes(b"roster")  # the import records its input files' digests
    for m in (m for h in roster.households.values() for m in h.members):
        m.id_number = m.id_number or f"63252119900101{m.row:04d}"
    carried = ("state", "phase_out_start", "current_benefit", "enrolled_on")  # what an import carries forward
    given_ = {hid: [getattr(h, name) for name in carried] for hid, h in roster.households.items()}
    dumps = []
    for mode in ("off", "always"):
        monkeypatch.setenv("DIBAO_LEDGER_HELPER", mode)
        ledger = Ledger(folder / f"{mode}.db")
        try:
            for month in ("2026-10", "2026-11"):
                for hid, h in roster.households.items():  # each month from the roster as given
                    for name, value in zip(carried, given_[hid]):
                        setattr(h, name, value)
                import_month(ledger, roster, POLICIES[which], month, DAY, [source], True, False, "t")
        finally:
            ledger.close()
        dumps.append(_dump(_Connect(), "sqlite", str(folder / f"{mode}.db")))
    assert dumps[1] == dumps[0]


class _Connect:
    """What test_ledger_columnar._dump needs of the `run` fixture: opening a SQLite ledger file."""

    @staticmethod
    def connect(db: str):
        import sqlite3

        return sqlite3.connect(db)


def test_a_helper_leaves_no_staging_file_behind(run, monkeypatch, tmp_path, adopted):
    """The helper's staging file holds names and ID numbers: it lives in a folder only this user can read, and
    the folder is gone once the import has ended."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))
    monkeypatch.setattr(tempfile, "tempdir", None)  # read TMPDIR again
    folders = []
    start = month_helper.Helper.__init__

    def seen(self, *args):
        start(self, *args)
        folders.append((Path(self._folder), stat.S_IMODE(os.stat(self._folder).st_mode)))

    monkeypatch.setattr(month_helper.Helper, "__init__", seen)
    first = _generate(tmp_path, 3000)
    _import_both(run, monkeypatch, tmp_path, [("2026-01", first), ("2026-02", first)])
    assert adopted == [True, True]
    assert [(folder.parent, mode) for folder, mode in folders] == [(temporary, 0o700)] * 2
    assert list(temporary.iterdir()) == []


def test_no_helper_to_be_had_leaves_the_month_to_this_process(run, monkeypatch, tmp_path, adopted):
    """The system refuses a new process (fork: EAGAIN, as under a process limit): the import does both halves."""
    def refused():
        raise BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable")

    monkeypatch.setattr(month_helper.os, "fork", refused)
    first = _generate(tmp_path, 3000, "--messy")
    _import_both(run, monkeypatch, tmp_path, [("2026-01", first), ("2026-02", _next_month(first, tmp_path / "b.xlsx"))])
    assert adopted == []


def test_a_helper_that_hangs_is_given_up_and_its_part_done_here(run, monkeypatch, tmp_path, adopted):
    """A helper that makes no progress (stopped, deadlocked) is stopped once this process has waited its patience
    after its own part; the month is the same."""
    monkeypatch.setattr(forked, "WAIT_AT_LEAST", 0.5)
    start = month_helper.Helper.__init__
    helpers = []

    def stopped(self, *args):
        start(self, *args)
        os.kill(self._pid, signal.SIGSTOP)
        helpers.append(self._pid)

    monkeypatch.setattr(month_helper.Helper, "__init__", stopped)
    first = _generate(tmp_path, 3000)
    _import_both(run, monkeypatch, tmp_path, [("2026-01", first)])
    assert adopted == [False]
    for pid in helpers:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # stopped and reaped: nothing left
