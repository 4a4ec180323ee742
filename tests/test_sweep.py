"""A cold review of the whole product as a new user meets it: a month the ledger does not have, a reading
command without a ledger. Each case runs the real CLI on real files and asserts the exact outcome."""

import pytest

from conftest import person, write_xlsx


def family(hid="H1"):
    return [person(hid, "才让东智", "1979-06-18", 经营净收入=3000),
            person(hid, "拉毛措", "1982-02-28", "配偶", seq=12)]


@pytest.fixture
def ledger(run, tmp_path):
    path = write_xlsx(tmp_path / "2026-11.xlsx", family())
    db = tmp_path / "l.db"
    result = run("import", path, "--month", "2026-11", "--db", db)
    assert result.code == 0, result.out + result.err
    return db


MISSING_MONTH = "中没有 2026-10 月的数据。台账中有：2026-11。请改用其中一个月份，或先用 dibao import 导入 2026-10 月的名册。"


@pytest.mark.parametrize("command", [
    ["review", "--month", "2026-10"],
    ["notice", "--month", "2026-10", "--region", "632521", "-o", "通知书"],
    ["report", "monthly", "--month", "2026-10", "--region", "632521", "-o", "月报.xlsx"],
    ["monitor", "ROSTER", "--month", "2026-10"],
])
def test_a_month_the_ledger_does_not_have_is_a_usage_error_naming_the_months_it_has(run, tmp_path, ledger, command):
    roster = write_xlsx(tmp_path / "now.xlsx", family())
    args = [str(roster) if a == "ROSTER" else a for a in command]
    before = ledger.read_bytes()
    result = run(*args, "--db", ledger)
    assert result.code == 2, result.out + result.err
    assert MISSING_MONTH in result.err
    assert "没有到期的核查" not in result.out and "没有需要出具的通知书" not in result.out
    assert not (tmp_path / "通知书").exists() and not (tmp_path / "月报.xlsx").exists()
    assert ledger.read_bytes() == before


@pytest.mark.parametrize("command", [
    ["notice", "--month", "2026-11", "--region", "632521", "-o", "通知书"],
    ["assistance", "list"],
    ["assistance", "pay", "1", "--date", "2026-11-01"],
    ["assistance", "decide", "1", "--approve", "--date", "2026-11-01"],
])
def test_a_command_that_needs_an_existing_ledger_never_creates_one(run, tmp_path, command):
    result = run(*command)
    assert result.code == 7, result.out + result.err
    assert f"找不到台账 {tmp_path / 'dibao.db'}" in result.err
    assert not (tmp_path / "dibao.db").exists()
