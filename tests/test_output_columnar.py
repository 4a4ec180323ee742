"""`dibao assess -o x.xlsx` and `--format csv` take the households the columnar engine decides (assess/vector.py)
from its figures (assess/decided_result.py), the members' own figures by the per-household path's rules. Every
row, the CSV's bytes and the workbook's cells must be the same as when every household is assessed one at a
time (DIBAO_ENGINE=household): on the examples under both policies and on generated clean, messy and
mixed rosters, with most households really taken from the columnar engine."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from dibao_cli.assess.decided_result import DecidedResult, decided_results
from dibao_cli.assess.household import _income_items, iter_results, plan_assessment
from dibao_cli.assess.vector import assess_block
from dibao_cli.cli.common import resolve
from dibao_cli.reading.roster import read_rosters
from dibao_cli.reports import assess_sheets
from test_output_workbook import _describe

ROOT = Path(__file__).resolve().parent.parent
DAY = dt.date(2026, 11, 30)
COUNTY = ROOT / "examples" / "632521-共和县.toml"
MASK = lambda v: (v or "")[:6] + "********"  # noqa: E731 (a masking like the CLI's, to see it applied)


def _policy(county: bool):
    return resolve("632521", (COUNTY,), DAY) if county else resolve(None, (), DAY)


def _rows(results, policy) -> tuple[list, list, list]:
    households, numeric, members = [], [], []
    for r in results:
        households.append(assess_sheets.household_row(r))
        numeric.append(assess_sheets.household_row(r, numeric=True))
        members.extend(assess_sheets.member_rows(r, DAY, MASK))
    return households, numeric, members


def _sheets(assessment) -> list:
    return [(s.name, list(s.header), [list(row) for row in s.rows]) for s in assessment]


def _compare(roster, policy, monkeypatch) -> int:
    """Rows, CSV bytes and sheets of both paths are equal; returns how many households the columnar engine gave."""
    decided = assess_block(plan_assessment(roster, policy, DAY).pending, policy, DAY, _income_items(policy))
    columnar = list(decided_results(plan_assessment(roster, policy, DAY), member_figures=True))
    taken = [r.household.household_id for r in columnar if type(r) is DecidedResult]
    assert taken == [d.household.household_id for d in decided if d is not None]
    per_household = list(iter_results(plan_assessment(roster, policy, DAY)))
    assert _rows(columnar, policy) == _rows(per_household, policy)

    monkeypatch.delenv("DIBAO_ENGINE", raising=False)
    csv_columnar = b"".join(assess_sheets.csv_pieces(plan_assessment(roster, policy, DAY)))
    sheets_columnar = _sheets(assess_sheets.xlsx_sheets(plan_assessment(roster, policy, DAY), MASK))
    monkeypatch.setenv("DIBAO_ENGINE", "household")
    csv_household = b"".join(assess_sheets.csv_pieces(plan_assessment(roster, policy, DAY)))
    sheets_household = _sheets(assess_sheets.xlsx_sheets(plan_assessment(roster, policy, DAY), MASK))
    monkeypatch.delenv("DIBAO_ENGINE")
    assert csv_columnar == csv_household
    assert sheets_columnar == sheets_household
    return len(taken)


@pytest.mark.parametrize("county", [False, True])
@pytest.mark.parametrize("name", ["roster.xlsx", "messy-roster.xlsx", "tiered-roster.xlsx"])
def test_examples_give_the_same_rows_and_csv_from_both_paths(name, county, monkeypatch):
    roster = read_rosters([ROOT / "examples" / name], on_date=DAY)
    taken = _compare(roster, _policy(county), monkeypatch)
    if name == "roster.xlsx":
        assert taken >= 15


@pytest.mark.parametrize("flags", [(), ("--messy",), ("--messy", "--mixed")], ids=["clean", "messy", "mixed"])
def test_generated_rosters_give_the_same_rows_and_csv_from_both_paths(tmp_path, flags, monkeypatch):
    path = tmp_path / "roster.xlsx"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_roster.py"), "4000", str(path), *flags],
                   check=True)
    roster = read_rosters([path], on_date=DAY)
    for county in (False, True):
        assert _compare(roster, _policy(county), monkeypatch) >= 1000


@pytest.mark.parametrize("county", [False, True])
@pytest.mark.parametrize("name", ["roster.xlsx", "messy-roster.xlsx"])
def test_the_cli_writes_the_same_workbook_and_csv_from_both_paths(tmp_path, run, monkeypatch, name, county):
    policy = ("--region", "632521", "--policy", COUNTY) if county else ()
    outputs = {}
    for engine in ("household", "columnar"):
        if engine == "household":
            monkeypatch.setenv("DIBAO_ENGINE", "household")
        else:
            monkeypatch.delenv("DIBAO_ENGINE")
        book, table = tmp_path / f"{engine}.xlsx", tmp_path / f"{engine}.csv"
        first = run("assess", ROOT / "examples" / name, "--date", DAY.isoformat(), *policy, "-o", book)
        second = run("assess", ROOT / "examples" / name, "--date", DAY.isoformat(), *policy, "--format", "csv",
                     "-o", table)
        outputs[engine] = (first.code, second.code, _describe(book), table.read_bytes())
    assert outputs["columnar"] == outputs["household"]
    assert outputs["columnar"][3].count(b"\n") >= 10
