"""The loader's child screens the ID column and dictionary-encodes the household-level columns once it has handed
the columns over, while this process builds the members: what it hands back is what this process computes itself
with the same functions, the roster read is the row reader's (ID numbers with every kind of damage, duplicates
within a sheet, across households and across sheets), and a child that dies after handing over the columns changes
nothing. Members with the same income items share one dictionary that assessing never changes."""

from __future__ import annotations

import datetime as dt
import os
import signal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import pid
from dibao_cli import forked
from dibao_cli.idcard import IdError, check_char, parse_id
from dibao_cli.reading import columnar, frame, idscreen
from test_reader_columns_identity import _generate, _roster, _row, _write

DAY = dt.date(2026, 11, 30)

pytestmark = pytest.mark.skipif(not hasattr(os, "memfd_create") or not hasattr(os, "fork"), reason="Linux only")


@pytest.fixture(autouse=True)
def in_a_child(monkeypatch):
    """Every sheet loaded by a child, however small."""
    monkeypatch.setattr(columnar, "PARALLEL_FROM_BYTES", 0)


def _same_with_child(paths: list[Path], monkeypatch, all_sheets: bool = False) -> list[dict]:
    """The roster read by rows and by columns (the child screening) is the same; returns the problems."""
    screens = []
    real = columnar.ParallelLoad.screen

    def screen(self):
        found = real(self)
        screens.append(found is not None)
        return found

    monkeypatch.setattr(columnar.ParallelLoad, "screen", screen)
    by_rows, _ = _roster(paths, "rows", monkeypatch, all_sheets)
    by_columns, taken = _roster(paths, "columnar", monkeypatch, all_sheets)
    assert taken >= 1 and screens and all(screens)  # the child's screen was there and used
    assert by_columns[0] == by_rows[0]
    assert by_columns == by_rows
    return by_rows[0]


def _damaged_ids() -> list[list]:
    """Rows whose ID cells carry each kind of damage a clerk's roster has, and duplicates."""
    good = pid("1960-03-01", 11)
    rows = [
        _row("H01", "王建国", "王建国", "1960-03-01", "户主"),
        _row("H01", "王建国", "李秀英", "1962-05-02", "配偶", seq=12),
        _row("H02", "张三", "张三", "1970-01-01", "户主"),
        _row("H03", "刘一", "刘一", "1971-01-01", "户主"),
        _row("H04", "陈一", "陈一", "1972-01-01", "户主"),
        _row("H05", "杨一", "杨一", "1973-01-01", "户主"),
        _row("H06", "赵一", "赵一", "1974-01-01", "户主"),
        _row("H07", "黄一", "黄一", "1975-01-01", "户主"),
        _row("H08", "周一", "周一", "1976-01-01", "户主"),
        _row("H09", "吴一", "吴一", "1977-01-01", "户主"),
        _row("H10", "徐一", "徐一", "1978-01-01", "户主"),
    ]
    x_check = next(p for p in (pid("1980-01-01", s) for s in range(1, 999)) if p.endswith("X"))
    rows[2][3] = x_check.lower()  # a check digit x in lower case
    rows[3][3] = "６３２５２１" + pid("1971-01-01", 11)[6:]  # full-width digits
    rows[4][3] = " " + pid("1972-01-01", 11) + " "  # spaces around
    rows[5][3] = pid("1973-01-01", 11)[:6] + pid("1973-01-01", 11)[8:17]  # a 15-digit number
    rows[6][3] = f"{float(pid('1974-01-01', 11)[:17]):.5E}"  # Excel float damage: 6.32521E+16
    right = pid("1975-01-01", 11)
    rows[7][3] = right[:17] + ("1" if right.endswith("0") else "0")  # a wrong check digit
    rows[8][3] = good  # the head of H01 again, in another household
    rows[9][3] = "'" + pid("1977-01-01", 11)  # an apostrophe
    february = "632521" + "19780230" + "111"
    rows[10][3] = february + check_char(february)  # 30 February, with a right check digit
    return rows


def test_damaged_and_duplicate_ids_read_the_same_with_the_child_screening(tmp_path, monkeypatch):
    path = _write(tmp_path / "ids.xlsx", {"名册": _damaged_ids()})
    problems = _same_with_child([path], monkeypatch)
    assert [(p["row"], p["code"]) for p in problems if p["column"] == "身份证号"] == [
        (7, "id_upgraded"), (8, "id_excel_number"), (9, "id_checksum"), (10, "id_duplicate_other_household"),
        (12, "id_birth")]  # x, full-width digits, spaces and an apostrophe are read as the number


def test_clean_ids_over_two_sheets_read_the_same_with_the_child_screening(tmp_path, monkeypatch):
    """Every number clean on each sheet (the bulk path), with one person of the first sheet on the second."""
    first = [_row("H01", "王建国", "王建国", "1960-03-01", "户主"), _row("H02", "李一", "李一", "1961-03-01", "户主")]
    second = [_row("H03", "张一", "张一", "1962-03-01", "户主"), _row("H04", "李一", "李一", "1961-03-01", "户主")]
    book = _write(tmp_path / "two-sheets.xlsx", {"一": first, "二": second})
    problems = _same_with_child([book], monkeypatch, all_sheets=True)
    assert [p["row"] for p in problems if p["code"] == "id_duplicate_other_household"] == [3]


@pytest.mark.parametrize("flags", [(), ("--messy",)], ids=["clean", "messy"])
def test_generated_rosters_read_the_same_with_the_child_screening(tmp_path, monkeypatch, flags):
    problems = _same_with_child([_generate(tmp_path, 3000, *flags)], monkeypatch)
    assert bool(problems) == bool(flags)


@pytest.mark.parametrize("flags", [(), ("--messy",)], ids=["clean", "messy"])
def test_what_the_child_hands_back_is_what_this_process_computes(tmp_path, flags):
    import pyarrow.compute as pc

    path = _generate(tmp_path, 3000, *flags)
    id_position, later = 5, (0, 1, 3, 9, 16, 17)  # 身份证号; 乡镇, 村(社区), 户主姓名, 城乡类别, 当前保障类别, 当前月保障金
    loading = columnar.ParallelLoad(path, _first_sheet(path), 1, 18, 2 << 30, id_position, later)
    try:
        table = loading.result()
        extras = loading.screen()
    finally:
        loading.cancel()
    assert extras is not None
    mine = idscreen.screen_ids(table.column(id_position))
    for name in idscreen.COLUMNS:
        assert extras.column(name).equals(mine.column(name))
    assert extras.schema.metadata == mine.schema.metadata
    for position in later:
        assert extras.column(f"{columnar.ENCODED}{position}").equals(pc.dictionary_encode(table.column(position)))


def _first_sheet(path: Path) -> str:
    from dibao_cli.reading.sheets import open_book

    return open_book(path).sheets[0].name


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGSTOP], ids=["killed", "hangs"])
def test_a_child_that_fails_after_handing_over_the_columns_changes_nothing(tmp_path, monkeypatch, how):
    """The child killed while it screens, or making no progress (stopped, deadlocked: given up once this process
    has waited its patience): this process screens and encodes itself, the same roster."""
    path = _write(tmp_path / "ids.xlsx", {"名册": _damaged_ids()})
    by_rows, _ = _roster([path], "rows", monkeypatch)
    monkeypatch.setattr(forked, "WAIT_AT_LEAST", 0.5)
    monkeypatch.setattr(columnar, "_extras", lambda *args: os.kill(os.getpid(), how))
    screens = []
    real = columnar.ParallelLoad.screen
    monkeypatch.setattr(columnar.ParallelLoad, "screen", lambda self: screens.append(real(self)) or screens[-1])
    by_columns, taken = _roster([path], "columnar", monkeypatch)
    assert taken == 1 and screens and all(found is None for found in screens)
    assert by_columns == by_rows

FULL_WIDTH = str.maketrans("0123456789Xx", "０１２３４５６７８９Ｘｘ")
ID_TEXT = st.one_of(
    st.builds(lambda born, seq: pid(born.isoformat(), seq), st.dates(dt.date(1000, 1, 1), dt.date(2099, 12, 31)),
              st.integers(0, 999)),
    st.builds(lambda born, seq: pid(born.isoformat(), seq).lower(), st.dates(dt.date(1900, 1, 1), dt.date(2030, 1, 1)),
              st.integers(0, 999)),  # check digit x
    st.builds(lambda born, seq: (lambda p: p[:6] + p[8:17])(pid(born.isoformat(), seq)),
              st.dates(dt.date(1900, 1, 1), dt.date(1999, 12, 31)), st.integers(0, 999)),  # 15 digits
    st.builds(lambda born, seq: pid(born.isoformat(), seq).translate(FULL_WIDTH),
              st.dates(dt.date(1900, 1, 1), dt.date(2030, 1, 1)), st.integers(0, 999)),  # full-width
    st.builds(lambda born, seq, pad: pad[0] + pid(born.isoformat(), seq) + pad[1],
              st.dates(dt.date(1900, 1, 1), dt.date(2030, 1, 1)), st.integers(0, 999),
              st.sampled_from([(" ", ""), ("", " "), ("\u3000", ""), ("'", ""), ("", "\t")])),  # spaces, apostrophe
    st.builds(lambda born, seq: f"{float(pid(born.isoformat(), seq)[:17]):.5E}",
              st.dates(dt.date(1900, 1, 1), dt.date(2030, 1, 1)), st.integers(0, 999)),  # Excel float damage
    st.builds(lambda born, seq: pid(born.isoformat(), seq)[:17] + ".0",
              st.dates(dt.date(1900, 1, 1), dt.date(2030, 1, 1)), st.integers(0, 999)),
    st.text("0123456789Xx", min_size=17, max_size=19),
    st.text(min_size=0, max_size=20),
)


@given(st.lists(st.one_of(st.none(), ID_TEXT), max_size=40), st.integers(0, 3), st.booleans())
@settings(max_examples=300, deadline=None)
def test_the_screen_takes_only_numbers_parse_id_reads_the_same(raws, offset, repeat_one):
    """Each number the screen takes is one parse_id reads to the same number, birth date and sex with nothing to
    report; whether all are clean and differ is told right, duplicates included."""
    import pyarrow as pa

    if repeat_one and raws:
        raws = raws + [raws[0]]
    column = pa.array(["x"] * offset + raws, pa.string()).slice(offset)
    screen = idscreen.screen_ids(column)
    numbers = screen.column(0).to_pylist()
    births = screen.column(1).to_pylist()
    males = screen.column(2).to_pylist()
    assert len(numbers) == len(births) == len(males) == len(raws)
    for raw, number, birth, male in zip(raws, numbers, births, males):
        if number is None:
            assert birth is None and male is None
            continue
        info = parse_id(raw)
        assert (number, birth, male, info.upgraded) == (info.number, info.birth, info.male, False)
    taken = all(number is not None for number in numbers)
    expected = (len(set(numbers)) == len(numbers)) if taken else None
    assert idscreen.all_distinct(screen) == expected
    fast = frame._clean_ids(column, screen)
    assert fast[5] == (expected is True)
    for raw in raws:
        if raw is not None and len(raw) == 18 and raw.isascii() and raw[:17].isdigit():
            try:
                info = parse_id(raw)
            except IdError:
                continue
            if info.birth.year >= 1000:
                assert numbers[raws.index(raw)] == info.number


def test_members_share_their_items_and_assessing_changes_none(tmp_path, monkeypatch):
    """A member's income items, shared with every member with the same items, are the same after assess and JSON."""
    from conftest import read_by
    from dibao_cli.assess.household import plan_assessment
    from dibao_cli.policy import PolicyAt
    from dibao_cli.policy.config import choose_policy
    from dibao_cli.reports.assess import json_chunks

    path = _generate(tmp_path, 3000)
    roster, taken = read_by([path], "columnar", monkeypatch, DAY)
    assert taken == 1
    members = [m for h in roster.households.values() for m in h.members]
    before = [(dict(m.incomes), dict(m.expenses)) for m in members]
    shared = {id(m.incomes) for m in members if m.incomes}
    assert len(shared) < sum(1 for m in members if m.incomes) / 2  # most members share their items
    assessment = plan_assessment(roster, PolicyAt(choose_policy(None, ()), DAY), DAY)
    assert sum(len(chunk) for chunk in json_chunks(assessment)) > 0
    assert [(dict(m.incomes), dict(m.expenses)) for m in members] == before


AMOUNT_COLUMN = st.lists(st.one_of(st.none(), st.integers(-3, 3), st.sampled_from([120000, 5050, 0])),
                         min_size=0, max_size=6)


@given(st.lists(AMOUNT_COLUMN, min_size=1, max_size=5), st.integers(1, 60), st.data(), st.sampled_from([62, 3]))
@settings(max_examples=200, deadline=None)
def test_amount_items_are_each_members_items_that_are_not_0(columns, rows, data, bits):
    """Each member's items (in the columns' order, the zeros and empty cells left out) whichever way the
    combinations are numbered (mixed radix, or codes again after each column when the radix would overflow)."""
    import pyarrow as pa

    from dibao_cli.model import EMPTY
    from dibao_cli.reading import amounts

    made = []
    for k, values in enumerate(columns):
        codes = data.draw(st.lists(st.one_of(st.none(), st.integers(0, len(values) - 1)) if values else st.none(),
                                   min_size=rows, max_size=rows))
        made.append((f"item{k}", values, pa.array(codes, pa.int32())))
    expected = []
    for i in range(rows):
        items = {}
        for name, values, codes in made:
            code = codes[i].as_py()
            if code is not None and values[code] is not None and values[code] != 0:
                items[name] = values[code]
        expected.append(items)
    old = amounts.MIXED_BITS
    amounts.MIXED_BITS = bits
    try:
        found = amounts.amount_items(made)
    finally:
        amounts.MIXED_BITS = old
    if found is None:  # no column has a value that is not 0
        assert not any(expected) and not any(v for _, values, _ in made for v in values)
        return
    assert [dict(items) for items in found] == expected
    assert [list(items.items()) for items in found] == [list(items.items()) for items in expected]
    assert all(items is EMPTY for items, wanted in zip(found, expected) if not wanted)
