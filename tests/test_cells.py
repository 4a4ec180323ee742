"""Cell cleaning: money to integer fen, dates, yes/no, full-width text."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dibao_cli import cells


@pytest.mark.parametrize("raw,fen", [
    (1234.5, 123450), ("1,234.50", 123450), ("１２３４．５", 123450), ("1234元", 123400), (12, 1200),
    ("'300", 30000), (0.1 + 0.2, 30), (" 88 ", 8800),
])
def test_money_becomes_integer_fen(raw, fen):
    assert cells.money(raw) == fen


def test_blank_is_not_zero():
    assert cells.money(None) is None and cells.money("  ") is None and cells.money(0) == 0


@pytest.mark.parametrize("raw,code", [("12.345", "money_decimals"), ("abc", "money_format"), (-5, "money_negative")])
def test_bad_money_is_reported(raw, code):
    with pytest.raises(cells.CellError) as exc:
        cells.money(raw)
    assert exc.value.code == code


def test_net_business_income_may_be_negative():
    assert cells.money("-300", allow_negative=True) == -30000


@pytest.mark.parametrize("raw", ["2024-03-01", "2024/3/1", "2024年3月1日", "20240301", dt.date(2024, 3, 1),
                                 dt.datetime(2024, 3, 1, 0, 0), "2024.03.01"])
def test_dates_in_every_shape(raw):
    assert cells.date(raw) == dt.date(2024, 3, 1)


@pytest.mark.parametrize("raw", [45352, 45352.0, "45352", 2026, 2026.0, "2026", 3, 3.0, "3", 45000, 20240301])
def test_a_bare_number_is_never_a_date(raw):
    """Only date cells and date text are dates: a serial number typed into a plain cell is refused."""
    with pytest.raises(cells.CellError) as exc:
        cells.date(raw)
    assert exc.value.code == "date_number"


def test_impossible_date_is_an_error():
    with pytest.raises(cells.CellError):
        cells.date("2024-02-30")


@pytest.mark.parametrize("raw,value", [("是", True), ("否", False), ("Y", True), ("√", True), (1.0, True), ("无", False)])
def test_yes_no(raw, value):
    assert cells.yes_no(raw) is value


def test_text_normalises_full_width_and_nbsp():
    assert cells.text("\u00a0西台村\u3000") == "西台村"
    assert cells.name("张 三") == "张三"


@given(st.one_of(st.text(), st.floats(), st.integers(), st.booleans(), st.dates(), st.none()))
def test_cleaners_raise_only_cellerror(raw):
    for clean in (cells.text, cells.name, cells.money, cells.count, cells.date, cells.yes_no):
        try:
            clean(raw)
        except cells.CellError:
            pass
