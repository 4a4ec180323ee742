"""The workbook of a province made by two processes (reports/parallel_rows.py) is the workbook one process makes:
every sheet's rows, cell for cell and type for type, and the totals of 汇总, on generated clean, messy and mixed
rosters under both policies; also when the child fails (its memory ceiling), when the roster is decided one
household at a time, and through the CLI."""

from __future__ import annotations

import datetime as dt
import errno
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from dibao_cli import forked
from dibao_cli.assess.decided_result import BLOCK
from dibao_cli.assess.household import plan_assessment
from dibao_cli.cli.common import resolve
from dibao_cli.reading.roster import read_rosters
from dibao_cli.reports import assess_sheets, parallel_rows

ROOT = Path(__file__).resolve().parent.parent
DAY = dt.date(2026, 11, 30)
COUNTY = ROOT / "examples" / "632521-共和县.toml"
pytestmark = pytest.mark.skipif(forked.cores() < 2 or not hasattr(os, "memfd_create"),
                                reason="one core, or no fork/memfd here: never split")
MEMBERS = 16_000  # about 5,300 households: more than one block, so that the child has households of its own


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("parallel")
    made = {}
    for name, flags in (("clean", ()), ("messy", ("--messy",)), ("mixed", ("--messy", "--mixed"))):
        path = folder / f"{name}.xlsx"
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_roster.py"), str(MEMBERS), str(path), *flags],
                       check=True)
        made[name] = read_rosters([path], on_date=DAY)
    return made


def _typed(rows) -> list:
    return [[(type(v).__name__, v) for v in row] for row in rows]


def _sheets(roster, policy, parallel: bool, monkeypatch, child_rows: bool = True) -> list:
    """The sheets' rows; with `parallel`, whether the child's rows were taken is asserted (`child_rows`)."""
    taken = []
    real = parallel_rows._add_totals

    def add_totals(*args):  # called once the child's rows are taken
        taken.append(1)
        return real(*args)

    with monkeypatch.context() as patched:
        patched.setattr(parallel_rows, "PARALLEL_FROM", 1 if parallel else 10**9)
        patched.setattr(forked, "core_free", lambda: True)  # busy or not, as the tests run
        patched.setattr(parallel_rows, "_add_totals", add_totals)
        assessment = plan_assessment(roster, policy, DAY)
        assert parallel_rows.can_split(assessment) is parallel
        sheets = assess_sheets.xlsx_sheets(assessment)
    assert len(taken) == (1 if parallel and child_rows else 0)
    return [(s.name, s.size, _typed(s.rows)) for s in sheets]


@pytest.mark.parametrize("county", [False, True], ids=["province", "county"])
@pytest.mark.parametrize("name", ["clean", "messy", "mixed"])
def test_two_processes_make_the_rows_one_makes(generated, monkeypatch, name, county):
    policy = resolve("632521", (COUNTY,), DAY) if county else resolve(None, (), DAY)
    roster = generated[name]
    assert len(plan_assessment(roster, policy, DAY).pending) > BLOCK
    one = _sheets(roster, policy, False, monkeypatch)
    two = _sheets(roster, policy, True, monkeypatch)
    assert two == one
    assert len(one[1][2]) > BLOCK and len(one[2][2]) > 2 * BLOCK


@pytest.mark.parametrize("how", ["killed", "failed", "half-written"])
def test_a_child_that_does_not_finish_leaves_the_rows_to_this_process(generated, monkeypatch, how):
    """A child killed (as the kernel kills a process out of memory), ending with an error, or leaving its file
    short: the rows are made here, the same."""
    policy = resolve(None, (), DAY)
    roster = generated["messy"]
    one = _sheets(roster, policy, False, monkeypatch)
    real = parallel_rows._make

    def make(part, make_rows, memory):
        if how == "killed":
            os.kill(os.getpid(), signal.SIGKILL)
        if how == "failed":
            raise MemoryError
        with os.fdopen(os.dup(memory), "wb") as sink:
            sink.write(b"\x00" * 10)
        return 0

    monkeypatch.setattr(parallel_rows, "_make", make)
    assert _sheets(roster, policy, True, monkeypatch, child_rows=False) == one
    assert real is not make


def test_households_decided_one_at_a_time_too(generated, monkeypatch):
    policy = resolve(None, (), DAY)
    monkeypatch.setenv("DIBAO_ENGINE", "household")
    roster = generated["mixed"]
    assert _sheets(roster, policy, True, monkeypatch) == _sheets(roster, policy, False, monkeypatch)


def test_the_cli_writes_the_same_workbook(tmp_path, run, monkeypatch):
    from openpyxl import load_workbook

    roster = tmp_path / "roster.xlsx"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_roster.py"), str(MEMBERS), str(roster),
                    "--messy"], check=True)

    def cells(path):
        book = load_workbook(path, read_only=True)
        return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}

    written = {}
    monkeypatch.setattr(forked, "core_free", lambda: True)
    for parallel in (False, True):
        monkeypatch.setattr(parallel_rows, "PARALLEL_FROM", 1 if parallel else 10**9)
        out = tmp_path / f"{parallel}.xlsx"
        result = run("assess", str(roster), "--date", "2026-11-30", "-o", str(out))
        assert result.code == 1  # the messy roster has households left out
        written[parallel] = cells(out)
    assert written[True] == written[False]
    assert len(written[True]["成员明细"]) > 2 * BLOCK


def test_no_child_when_every_core_is_busy(generated, monkeypatch):
    monkeypatch.setattr(parallel_rows, "PARALLEL_FROM", 1)
    monkeypatch.setattr(forked, "core_free", lambda: False)
    assert not parallel_rows.can_split(plan_assessment(generated["clean"], resolve(None, (), DAY), DAY))


def test_no_child_to_be_had_leaves_the_rows_to_this_process(generated, monkeypatch):
    """The system refuses a new process (fork: EAGAIN, as under a process limit): the rows are made here."""
    policy = resolve(None, (), DAY)
    roster = generated["clean"]
    one = _sheets(roster, policy, False, monkeypatch)

    def refused():
        raise BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable")

    monkeypatch.setattr(parallel_rows.os, "fork", refused)
    assert _sheets(roster, policy, True, monkeypatch, child_rows=False) == one


def test_a_child_that_hangs_is_given_up_and_its_rows_made_here(generated, monkeypatch):
    """A child that makes no progress is stopped once this process has waited its patience after its own half."""
    policy = resolve(None, (), DAY)
    roster = generated["clean"]
    one = _sheets(roster, policy, False, monkeypatch)
    monkeypatch.setattr(forked, "WAIT_AT_LEAST", 0.5)

    def hang(part, make_rows, memory):
        os.kill(os.getpid(), signal.SIGSTOP)
        return 0

    monkeypatch.setattr(parallel_rows, "_make", hang)
    assert _sheets(roster, policy, True, monkeypatch, child_rows=False) == one
