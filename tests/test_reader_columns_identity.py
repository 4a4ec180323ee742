"""The columnar reader builds the same roster as the row reader, attribute by attribute: every problem (in order),
every household with its values and members, every member's values, the members without a household and the
sheet summaries. On generated clean, messy and mixed rosters, and on hand-made rosters with each problem the
household checks report (no head, two heads, a minor head, the 户主姓名 column against the head, birth date and
sex against the ID number, a birth after the date), households spread over rows and sheets, and bad cells. The ID
numbers the columnar reader checks as a column are those parse_id reads the same way."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import pid, read_by
from dibao_cli.idcard import IdError, parse_id
from dibao_cli.model import HOUSEHOLD_FIELDS, Member
from dibao_cli.reading import frame, households

ROOT = Path(__file__).resolve().parent.parent
DAY = dt.date(2026, 11, 30)
HEADER = ["户编号", "户主姓名", "姓名", "身份证号", "与户主关系", "性别", "出生日期", "工资性收入", "城乡类别"]


def _member(member: Member) -> tuple:
    return tuple((slot, list(getattr(member, slot).items()) if slot in ("incomes", "expenses", "extra")
                  else getattr(member, slot)) for slot in Member.__slots__)


def _roster(paths: list[Path], reader: str, monkeypatch, all_sheets: bool = False) -> tuple[tuple, int]:
    """(everything read, how many sheets the columnar reader read)."""
    roster, taken = read_by(paths, reader, monkeypatch, DAY, all_sheets)
    households = [(key, h.household_id, h.file, h.sheet, h.row, h.has_error,
                   tuple(getattr(h, name) for name in HOUSEHOLD_FIELDS), [_member(m) for m in h.members])
                  for key, h in roster.households.items()]
    return ([p.as_dict() for p in roster.problems], households, [_member(m) for m in roster.orphans],
            [vars(s) for s in roster.sheets]), taken


def _same(paths: list[Path], monkeypatch, all_sheets: bool = False, columnar_sheets: int = 1) -> tuple:
    by_rows, none = _roster(paths, "rows", monkeypatch, all_sheets)
    by_columns, taken = _roster(paths, "columnar", monkeypatch, all_sheets)
    assert none == 0
    assert taken == columnar_sheets
    assert by_columns[0] == by_rows[0]  # problems first: the clearest difference
    assert by_columns == by_rows
    return by_rows


def _generate(tmp_path: Path, n: int, *flags: str) -> Path:
    path = tmp_path / f"roster-{n}{''.join(flags)}.xlsx"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_roster.py"), str(n), str(path), *flags],
                   check=True)
    return path


@pytest.mark.parametrize("flags", [(), ("--messy",)], ids=["clean", "messy"])
def test_generated_rosters_read_the_same(tmp_path, monkeypatch, flags):
    problems = _same([_generate(tmp_path, 4000, *flags)], monkeypatch)[0]
    assert bool(problems) == bool(flags)


def test_a_mixed_roster_is_declined_to_the_row_reader(tmp_path, monkeypatch):
    """Columns mixing kinds (IDs typed as numbers among text, "1,200元" among numbers) cannot be loaded with one type
    per column: the columnar reader declines the sheet and the row reader reads it, the same either way."""
    path = _generate(tmp_path, 4000, "--messy", "--mixed")
    by_rows, _ = _roster([path], "rows", monkeypatch)
    by_columns, taken = _roster([path], "columnar", monkeypatch)
    assert taken == 0
    assert by_columns == by_rows


def _write(path: Path, sheets: dict[str, list[list]]) -> Path:
    book = xlsxwriter.Workbook(str(path))
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        sheet.write_row(0, 0, HEADER)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, dt.date):
                    sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), dates)
                elif isinstance(value, str):
                    sheet.write_string(r, c, value)
                else:
                    sheet.write_number(r, c, value)
    book.close()
    return path


def _row(hid, head_name, name, birth: str, relation, seq=11, sex=None, birth_date=None, income=0, area="农村"):
    born = dt.date.fromisoformat(birth)
    sex = sex if sex is not None else ("男" if seq % 2 else "女")
    return [hid, head_name, name, pid(birth, seq), relation, sex, birth_date if birth_date is not None else born,
            income, area]


def _household_problems() -> list[list]:
    rows = [
        _row("H01", "王建国", "王建国", "1960-03-01", "户主", income=1200),
        _row("H01", "王建国", "李秀英", "1962-05-02", "配偶", seq=12),
        _row("H02", "张三", "张小", "1990-01-01", "子"),  # no head
        _row("H02", "张三", "张二", "1992-01-01", "女", seq=12),
        _row("H03", "刘一", "刘一", "1970-01-01", "户主"),  # two heads
        _row("H03", "刘一", "刘二", "1971-01-01", "本人", seq=13),
        _row("H04", "陈小", "陈小", "2015-06-01", "户主"),  # a minor head
        _row("H05", "杨大", "杨大", "2010-11-30", "户主"),  # sixteen today: not a minor
        _row("H06", "赵甲", "赵乙", "1980-02-02", "户主"),  # 户主姓名 is not the head's name
        _row("H07", "黄一", "黄一", "1981-02-02", "户主", birth_date=dt.date(1981, 3, 3)),  # birth date against the ID
        _row("H08", "周一", "周一", "1982-02-02", "户主", sex="女"),  # sex against the ID
        _row("H09", "吴一", "吴一", "1960-01-01", "户主"),
        _row("H09", "吴一", "吴小", "2027-01-05", "子"),  # born after the date
        _row("H10", "徐一", "徐一", "1975-07-07", "户主", income=3600),
        _row(None, "", "孙无户", "1976-07-07", "户主"),  # no household number
        _row("H11", "马一", "马一", "1977-07-07", "户主", area="城市"),
        _row("H11", "马二", "马二", "1978-07-07", "配偶", seq=12, area="农村"),  # household cells that disagree
        _row("H01", "王建国", "王小", "2000-01-01", "子", income=1200.555),  # back to H01, with a bad amount
        _row("H12", "朱一", "朱一", "1979-07-07", "户主", income=0),
        _row("H12", "朱一", "", "1999-07-07", "子"),  # no name
        _row("H13", None, "胡一", "1979-08-08", "户主"),  # no 户主姓名
    ]
    rows[-2][2] = None
    rows.append(list(rows[0]))  # the same person twice
    rows[-1][0] = "H14"
    return rows


def test_every_household_problem_reads_the_same(tmp_path, monkeypatch):
    path = _write(tmp_path / "households.xlsx", {"名册": _household_problems()})
    problems = _same([path], monkeypatch)[0]
    codes = {p["code"] for p in problems}
    assert {"head_count", "head_minor", "head_name_mismatch", "birth_mismatch", "sex_mismatch", "id_birth_future",
            "household_id_missing", "household_conflict", "name_missing", "id_duplicate_other_household"} <= codes
    assert sum(p["code"] == "head_minor" for p in problems) == 1  # the head sixteen today is not reported


def test_household_problems_with_one_head_each_read_the_same(tmp_path, monkeypatch):
    """Every household with one head and every ID number clean: the households are told apart on Arrow columns."""
    rows = [row for row in _household_problems()
            if row[0] not in ("H02", "H03", "H14", None) and row[2] != "王小"]
    path = _write(tmp_path / "one-head-each.xlsx", {"名册": rows})
    found = []
    real = households.quiet_households_by_columns
    monkeypatch.setattr(households, "quiet_households_by_columns", lambda *args: found.append(real(*args)) or found[-1])
    problems = _same([path], monkeypatch)[0]
    assert len(found) == 1 and found[0] is not None
    assert {p["code"] for p in problems} == {"head_minor", "head_name_mismatch", "birth_mismatch", "sex_mismatch",
                                             "id_birth_future", "household_conflict", "name_missing"}


def test_households_over_two_sheets_and_two_files_read_the_same(tmp_path, monkeypatch):
    """A household of the first sheet that gains a second head on the second sheet is checked again; a person of
    the first sheet met again on the second or in another file, and a household number also used by another file,
    are reported as by rows."""
    first = [_row("H01", "王建国", "王建国", "1960-03-01", "户主"), _row("H02", "李一", "李一", "1961-03-01", "户主")]
    second = [_row("H01", "王建国", "王二", "1965-03-01", "户主", seq=13), _row("H03", "张一", "张一", "1962-03-01", "户主"),
              _row("H04", "李一", "李一", "1961-03-01", "户主")]
    book = _write(tmp_path / "two-sheets.xlsx", {"一": first, "二": second})
    problems = _same([book], monkeypatch, all_sheets=True, columnar_sheets=2)[0]
    assert [p["household_id"] for p in problems if p["code"] == "head_count"] == ["H01"]
    assert [p["row"] for p in problems if p["code"] == "id_duplicate_other_household"] == [4]
    other = _write(tmp_path / "other.xlsx", {"名册": [_row("H02", "李一", "李二", "1963-03-01", "户主", seq=15),
                                                    _row("H09", "王建国", "王建国", "1960-03-01", "户主")]})
    problems = _same([book, other], monkeypatch, columnar_sheets=2)[0]
    assert {p["code"] for p in problems} >= {"household_in_two_files", "id_duplicate_file"}


ID_TEXT = st.one_of(
    st.builds(lambda born, seq: pid(born.isoformat(), seq), st.dates(dt.date(1000, 1, 1), dt.date(2099, 12, 31)),
              st.integers(0, 999)),
    st.text("0123456789Xx", min_size=17, max_size=19),
    st.builds(lambda day, seq, last: f"632521{day}{seq:03d}{last}", st.text("0123456789", min_size=8, max_size=8),
              st.integers(0, 999), st.sampled_from("0123456789Xx")),
    st.text(min_size=0, max_size=20),
)


@given(st.lists(st.one_of(st.none(), ID_TEXT), max_size=40), st.integers(0, 3))
@settings(max_examples=300, deadline=None)
def test_id_numbers_checked_as_a_column_are_those_parse_id_reads(raws, offset):
    """Each ID number the column check takes is one parse_id reads to the same number, birth date and sex, with
    nothing to report; a valid 18-character number born from the year 1000 on is always taken."""
    import pyarrow as pa

    column = pa.array(["x"] * offset + raws, pa.string()).slice(offset)
    numbers, births, males, birth_array, male_array, _ = frame._clean_ids(column)
    assert len(numbers) == len(births) == len(males) == len(raws)
    assert birth_array.to_pylist() == births
    assert male_array.to_pylist() == [None if number is None else male for number, male in zip(numbers, males)]
    for raw, number, birth, male in zip(raws, numbers, births, males):
        if number is None:
            assert birth is None
            continue
        info = parse_id(raw)
        assert (number, birth, male, info.upgraded) == (info.number, info.birth, info.male, False)
    for raw in raws:
        if raw is not None and len(raw) == 18 and raw.isascii() and raw[:17].isdigit():
            try:
                info = parse_id(raw)
            except IdError:
                continue
            if info.birth.year >= 1000:  # an earlier year is left to parse_id
                assert numbers[raws.index(raw)] == info.number
