"""The JSON of `assess` written with its fast money formatting is byte for byte the JSON written with the money
module's own functions (dibao_cli.money), on the examples and on a generated messy roster; and the streamed
document (each household assessed, written and dropped) is the one built from a kept assessment."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from dibao_cli import money
from dibao_cli.assess.household import assess_roster, plan_assessment
from dibao_cli.cli.common import resolve
from dibao_cli.reading.roster import read_rosters
from dibao_cli.reports import assess as assess_report

ROOT = Path(__file__).resolve().parent.parent
DAY = dt.date(2026, 11, 30)


def _plain_formatting(monkeypatch) -> None:
    """The report's money formatting replaced by the money module's functions it stands for."""
    monkeypatch.setattr(assess_report, "f2y", lambda fen: money.fen_yuan(fen, grouping=False))
    monkeypatch.setattr(assess_report, "y", money.plain)
    monkeypatch.setattr(assess_report, "_monthly", lambda annual: money.plain(annual / 1200))


def _documents(path: Path, monkeypatch) -> tuple[bytes, bytes, bytes]:
    policy = resolve(None, (), DAY)
    roster = read_rosters([path], on_date=DAY)
    streamed = assess_report.as_json(plan_assessment(roster, policy, DAY))
    kept = assess_report.as_json(assess_roster(roster, policy, DAY))
    with monkeypatch.context() as patched:
        _plain_formatting(patched)
        plain = assess_report.as_json(assess_roster(roster, policy, DAY))
    return streamed, kept, plain


def _generated_messy(tmp_path: Path) -> Path:
    path = tmp_path / "messy-10000.xlsx"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_roster.py"), "10000", str(path), "--messy"],
                   check=True)
    return path


@pytest.mark.parametrize("name", ["roster.xlsx", "messy-roster.xlsx", "tiered-roster.xlsx"])
def test_example_json_is_the_same_with_the_money_modules_formatting(name, monkeypatch):
    streamed, kept, plain = _documents(ROOT / "examples" / name, monkeypatch)
    assert streamed == kept == plain
    assert b'"households": [' in plain


def test_generated_messy_roster_json_is_the_same_with_the_money_modules_formatting(tmp_path, monkeypatch):
    streamed, kept, plain = _documents(_generated_messy(tmp_path), monkeypatch)
    assert streamed == kept == plain
    assert plain.count(b'"household_id"') > 3000


@pytest.mark.parametrize("fen", [0, 1, 5, 99, 100, 101, 123456, 100000000, -1, -99, -100, -123456,
                                 Decimal(0), Decimal("-0"), Decimal("0E-8"), Decimal("0.5"), Decimal("1.5"),
                                 Decimal("-0.5"), Decimal("-0.4"), Decimal("12345.4999"), Decimal("12345.5"),
                                 Decimal("-12345.5"), Decimal(60000), Decimal("144000.00")])
def test_fen_shown_as_the_money_module_shows_it(fen):
    assert assess_report.f2y(fen) == money.fen_yuan(fen, grouping=False)
