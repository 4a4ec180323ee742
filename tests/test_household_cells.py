"""Household-level cells (存款及金融资产, 当前保障类别, 当前月保障金 ...) may be filled on any one row of the household.
A row repeating the household's own previous cell says nothing new and is skipped; a household whose only filled
cell is on its second row, with the same value as the last row of the household above, keeps that value all the
same. Both readers (rows and columns) read it, and the decision does not depend on the order of the rows."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import person, read_by, write_xlsx

DAY = dt.date(2026, 11, 30)
READERS = ("rows", "columnar")


def _read(path, reader, monkeypatch):
    roster, taken = read_by([path], reader, monkeypatch, DAY)
    assert taken == (1 if reader == "columnar" else 0)
    return roster


def _deposits_roster(tmp_path):
    return write_xlsx(tmp_path / "名册.xlsx", [
        person("H1", "甲", "1970-01-01", 存款及金融资产=500000),
        person("H2", "乙", "1971-01-01"),
        person("H2", "丙", "2001-01-01", "子", seq=13, 存款及金融资产=500000),
        person("H3", "丁", "1972-01-01", seq=15),
        person("H3", "戊", "2002-01-01", "子", seq=17, 存款及金融资产=500000),
        person("H3", "己", "2003-01-01", "女", seq=18, 存款及金融资产=500000),
    ])


@pytest.mark.parametrize("reader", READERS)
def test_a_household_cell_equal_to_the_household_above_is_read(tmp_path, monkeypatch, reader):
    roster = _read(_deposits_roster(tmp_path), reader, monkeypatch)
    assert [roster.households[h].deposits for h in ("H1", "H2", "H3")] == [50_000_000] * 3
    assert roster.problems == []


@pytest.mark.parametrize("reader", READERS)
def test_deposits_on_a_second_row_fail_the_property_test(run, tmp_path, monkeypatch, reader):
    """民发〔2021〕57号（家庭财产）: 500,000 元 of deposits is far above 24 months of the standard, whichever row of
    the household holds it."""
    path = _deposits_roster(tmp_path)
    monkeypatch.setenv("DIBAO_READER", reader)
    result = run("assess", path, "--date", DAY.isoformat(), "--format", "json")
    assert result.code == 0
    found = {h["household_id"]: (h["status"], h["monthly_benefit"]["total"], [r["code"] for r in h["reasons"]])
             for h in result.json()["households"]}
    assert found == {h: ("ineligible", "0.00", ["property_deposits"]) for h in ("H1", "H2", "H3")}


def _state_rows(head_first: bool):
    head = person("H2", "乙", "1971-01-01", 当前保障类别="低保", 当前月保障金=500)
    child = person("H2", "丙", "2001-01-01", "子", seq=13, 工资性收入=60000)
    return [person("H1", "甲", "1970-01-01", 当前保障类别="低保", 当前月保障金=300),
            *((head, child) if head_first else (child, head))]


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("head_first", (True, False))
def test_the_order_of_a_households_rows_does_not_change_its_state(run, tmp_path, monkeypatch, reader, head_first):
    """民发〔2021〕57号（渐退期）: a 低保 household now above the standard enters a phase-out and is paid its
    current amount, whether its 低保 row comes first or second."""
    path = write_xlsx(tmp_path / "名册.xlsx", _state_rows(head_first))
    roster = _read(path, reader, monkeypatch)
    assert (roster.households["H2"].state, roster.households["H2"].current_benefit) == ("低保", 50_000)
    monkeypatch.setenv("DIBAO_READER", reader)
    result = run("assess", path, "--date", DAY.isoformat(), "--format", "json")
    h2 = next(h for h in result.json()["households"] if h["household_id"] == "H2")
    assert (h2["status"], h2["monthly_benefit"]["total"], h2["phase_out"]) == (
        "phase_out", "500.00", {"start": "2026-11-30", "end": "2027-11-29"})
