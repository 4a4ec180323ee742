"""A command that read a large roster ends its process without freeing what it built (cli/base.py end_quickly):
the exit status, every byte on standard output and error and every file written are those of the same command run
inside the test's own process (which ends as any Python program does); exit handlers still run; a pipe closed by
the reader gives the status and silence it gave before; a small roster ends the ordinary way."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from dibao_cli.cli import main
from dibao_cli.cli.base import QUICK_EXIT_HOUSEHOLDS

ROOT = Path(__file__).resolve().parent.parent
DAY = "2026-11-30"

# Runs `dibao` as the program does (the entry point, arguments from sys.argv), reporting whether it ended through
# os._exit and with which status; an exit handler registered before it writes a file, to show handlers still run.
PROGRAM = """
import atexit, os, sys
mark = sys.argv.pop(1)
real_exit = os._exit
def quick(code):
    sys.stderr.write(f"[quick exit {code}]")
    sys.stderr.flush()
    real_exit(code)
os._exit = quick
atexit.register(lambda: open(mark, "w").write("ran"))
from dibao_cli.cli import main
main()
"""


def program(tmp_path: Path, *args: str, stdout=subprocess.PIPE) -> tuple[subprocess.CompletedProcess, bool]:
    """(the finished process, whether the exit handler ran)."""
    mark = tmp_path / f"handler-{len(list(tmp_path.iterdir()))}"
    env = {**os.environ, "COLUMNS": "200"}
    done = subprocess.run([sys.executable, "-c", PROGRAM, str(mark), *args], stdout=stdout, stderr=subprocess.PIPE,
                          cwd=tmp_path, env=env)
    ran = mark.exists() and mark.read_text() == "ran"
    return done, ran


def in_process(tmp_path: Path, monkeypatch, *args: str):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def rosters(tmp_path_factory):
    """(a large clean roster, a large messy one, a small one), generated."""
    folder = tmp_path_factory.mktemp("rosters")
    made = []
    for name, members, flags in (("large.xlsx", 7000, ()), ("messy.xlsx", 7000, ("--messy",)),
                                 ("small.xlsx", 300, ())):
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_roster.py"), str(members),
                        str(folder / name), *flags], check=True)
        made.append(folder / name)
    return made


def test_the_large_rosters_are_large_and_the_small_one_small(rosters):
    from dibao_cli.reading.roster import read_rosters

    import datetime as dt

    large, messy, small = (len(read_rosters([p], on_date=dt.date(2026, 11, 30)).households) for p in rosters)
    assert large >= QUICK_EXIT_HOUSEHOLDS and messy >= QUICK_EXIT_HOUSEHOLDS
    assert small < QUICK_EXIT_HOUSEHOLDS


@pytest.mark.parametrize("args, status", [
    (("check", "{large}", "--date", DAY), 0),
    (("check", "{messy}", "--date", DAY), 1),
    (("check", "{messy}", "--date", DAY, "--format", "json"), 1),
    (("check", "{messy}", "--date", DAY, "--format", "csv"), 1),
    (("assess", "{large}", "--date", DAY, "--format", "json"), 0),
    (("assess", "{messy}", "--date", DAY, "--format", "json"), 1),
    (("assess", "{messy}", "--date", DAY, "--format", "csv"), 1),
    (("assess", "{large}", "--date", DAY, "--limit", "5"), 0),
], ids=["check", "check-errors", "check-json", "check-csv", "assess-json", "assess-json-left-out", "assess-csv",
        "assess-table"])
def test_standard_output_and_status_are_those_of_the_command_run_in_process(tmp_path, monkeypatch, rosters, args,
                                                                            status):
    large, messy, _ = rosters
    args = [a.format(large=large, messy=messy) for a in args]
    done, handler_ran = program(tmp_path, *args)
    assert done.returncode == status
    assert done.stderr.decode() == f"[quick exit {status}]"
    assert handler_ran
    expected = in_process(tmp_path, monkeypatch, *args)
    assert expected.exit_code == status
    assert done.stdout == expected.stdout_bytes
    assert len(done.stdout) > 500


@pytest.mark.parametrize("suffix", ["json", "csv", "xlsx"])
def test_files_written_are_complete_and_the_summary_is_said(tmp_path, monkeypatch, rosters, suffix):
    large = rosters[1]
    quick, ordinary = tmp_path / f"quick.{suffix}", tmp_path / f"ordinary.{suffix}"
    done, handler_ran = program(tmp_path, "assess", str(large), "--date", DAY, "-o", str(quick))
    expected = in_process(tmp_path, monkeypatch, "assess", str(large), "--date", DAY, "-o", str(ordinary))
    assert (done.returncode, expected.exit_code) == (1, 1)
    assert handler_ran
    assert done.stderr.decode() == "[quick exit 1]"
    assert done.stdout.decode().replace(str(quick), "X") == expected.stdout.replace(str(ordinary), "X")
    if suffix == "xlsx":
        from openpyxl import load_workbook

        def cells(path):
            book = load_workbook(path, read_only=True)
            return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}

        assert cells(quick) == cells(ordinary)
    else:
        assert quick.read_bytes() == ordinary.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temporary file left


def test_an_import_ends_quickly_with_the_month_stored_as_in_process(tmp_path, monkeypatch, rosters):
    """The ledger is closed (committed, its staging files gone) before the process ends without its teardown."""
    import sqlite3
    from types import SimpleNamespace

    from test_ledger_columnar import _dump

    messy = rosters[1]  # its households in error are skipped: status 1
    args = ("import", str(messy), "--month", "2026-11", "--skip-invalid", "--db")
    done, handler_ran = program(tmp_path, *args, "quick.db")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")
    # named as the program is: the audit log records the command's name
    expected = CliRunner().invoke(main, [*args, "ordinary.db"], prog_name="dibao", catch_exceptions=False)
    assert (done.returncode, expected.exit_code) == (1, 1)
    assert handler_ran
    assert done.stderr.decode() == "[quick exit 1]"
    assert done.stdout.decode().replace("quick.db", "X") == expected.stdout.replace("ordinary.db", "X")
    assert "2026-11" in expected.stdout
    connect = SimpleNamespace(connect=sqlite3.connect)
    quick, ordinary = (_dump(connect, "sqlite", str(tmp_path / name)) for name in ("quick.db", "ordinary.db"))
    assert quick == ordinary
    assert len(quick["members"]) > 6000
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("quick.db")) == ["quick.db"]  # no WAL left


def test_an_import_that_computes_later_months_again_keeps_only_the_last_roster(tmp_path, monkeypatch, rosters):
    """--replace of a month computes the later months again, each from its own roster: only the last one read is
    kept to the end of the process (the others are let go as each month is done, as before)."""
    from dibao_cli.cli import ledger as ledger_cli

    kept: list = []
    monkeypatch.setattr(ledger_cli, "end_quickly", kept.append)
    monkeypatch.chdir(tmp_path)
    small = str(rosters[2])
    for month in ("2026-01", "2026-02", "2026-03"):
        assert CliRunner().invoke(main, ["import", small, "--month", month, "--db", "l.db"]).exit_code == 0
    assert len(kept) == 3
    kept.clear()
    done = CliRunner().invoke(main, ["import", small, "--month", "2026-01", "--db", "l.db", "--replace"])
    assert done.exit_code == 0
    assert "2026-02" in done.output and "2026-03" in done.output  # computed again
    assert len(kept) == 1 and len(kept[0].households) > 50


def test_a_refused_output_keeps_its_message_and_status(tmp_path, rosters):
    target = tmp_path / "there.json"
    target.write_text("kept")
    done, handler_ran = program(tmp_path, "assess", str(rosters[0]), "--date", DAY, "-o", str(target))
    assert done.returncode == 5
    assert done.stderr.decode() == (f"错误：输出文件 {target} 已存在，未覆盖。请换一个文件名，或加 --force 覆盖。\n"
                                    "[quick exit 5]")
    assert target.read_text() == "kept"
    assert handler_ran


@pytest.mark.parametrize("which", [0, 2], ids=["large", "small"])
def test_a_pipe_closed_by_its_reader_ends_with_status_1_and_nothing_said(tmp_path, rosters, which):
    """As before the quick exit: click quiets the closed pipe and exits 1; nothing is written to standard error."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone before anything is written
    try:
        done, handler_ran = program(tmp_path, "assess", str(rosters[which]), "--date", DAY, "--format", "json",
                                    stdout=write_end)
    finally:
        os.close(write_end)
    assert done.returncode == 1
    assert done.stderr.decode() == ("[quick exit 1]" if which == 0 else "")
    assert handler_ran


def test_a_small_roster_ends_the_ordinary_way(tmp_path, monkeypatch, rosters):
    done, handler_ran = program(tmp_path, "assess", str(rosters[2]), "--date", DAY, "--format", "json")
    assert done.returncode == 0
    assert done.stderr.decode() == ""
    assert handler_ran
    assert done.stdout == in_process(tmp_path, monkeypatch, "assess", str(rosters[2]), "--date", DAY,
                                     "--format", "json").stdout_bytes


def test_a_command_run_in_process_returns_to_its_caller(tmp_path, monkeypatch, rosters):
    """CliRunner and a caller passing arguments get the status back as SystemExit, and go on."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exc:
        main(["check", str(rosters[1]), "--date", DAY, "--format", "json"])
    assert exc.value.code == 1


def test_a_profiler_still_gets_its_report(tmp_path, rosters):
    """Run under `python -m cProfile`, the program ends the ordinary way, so that the profile is written."""
    profile = tmp_path / "check.prof"
    done = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "dibao_cli", "check",
                           str(rosters[1]), "--date", DAY, "--format", "json"], capture_output=True, cwd=tmp_path)
    assert done.returncode == 0  # cProfile's own: it takes the command's SystemExit and ends normally
    import pstats

    assert any(name == "end_quickly" for (_, _, name) in pstats.Stats(str(profile)).stats)
