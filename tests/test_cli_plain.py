"""Lines the CLI writes without rich (output piped or redirected) are byte for byte what rich prints there."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import person, write_xlsx
from dibao_cli.cli.plain_table import plain_table
from dibao_cli.reports.screens import literal

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
DAY = "2026-11-30"


def _rich_console(file):
    """dibao's console when standard output is no terminal (cli/console.py console())."""
    from rich.console import Console

    return Console(file=file, highlight=False, soft_wrap=False, emoji=False, width=100_000, force_terminal=False)


def _rich_table(title, columns, rows) -> str:
    from rich.table import Table

    out = io.StringIO()
    table = Table(title=title, title_justify="left")
    for header, justify in columns:
        table.add_column(header, justify=justify)
    for row in rows:
        table.add_row(*(literal(cell) for cell in row))
    _rich_console(out).print(table)
    return out.getvalue()


COLUMNS = [("乡镇", "left"), ("户数", "right"), ("人数", "right")]
_TEXT = st.one_of(st.text(st.sampled_from("恰卜恰镇江西沟乡 ab1[]/\\（）()"), max_size=12),  # text of known width
                  st.text(st.sampled_from("恰卜恰镇 ab1[]/（）·🏠\u3000é\t"), max_size=12))
_COUNT = st.one_of(st.just(""), st.integers(0, 10**7).map(str))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_TEXT, _COUNT, _COUNT), min_size=1, max_size=6))
def test_plain_table_is_what_rich_prints_or_nothing(rows):
    rows = [list(row) for row in rows]
    plain = plain_table("按乡镇", COLUMNS, rows)
    if plain is not None:
        assert plain == _rich_table("按乡镇", COLUMNS, rows)


def test_plain_table_takes_chinese_ascii_and_full_width_brackets():
    rows = [["恰卜恰镇", "12", "30"], ["（未填户编号的人）", "", "1"], ["Town 3", "1234567", "7"]]
    assert plain_table("按乡镇", COLUMNS, rows) == _rich_table("按乡镇", COLUMNS, rows)


def test_plain_table_leaves_other_text_to_rich():
    assert plain_table("按乡镇", COLUMNS, [["🏠镇", "1", "1"]]) is None
    assert plain_table("按乡镇", COLUMNS, [["恰卜恰镇 ", "1", "1"]]) is None
    assert plain_table("按乡镇", COLUMNS, [["é", "1", "1"]]) is None
    assert plain_table("按乡镇", COLUMNS, []) is None


def _summary_by_rich(roster_path: Path) -> str:
    from dibao_cli.cli.common import resolve
    from dibao_cli.reading.roster import read_rosters
    from dibao_cli.reports import check as check_report

    day = dt.date.fromisoformat(DAY)
    result = check_report.validate(read_rosters([roster_path], on_date=day), resolve(None, (), day), day)
    out = io.StringIO()
    check_report.print_summary(_rich_console(out), result)
    return out.getvalue()


def _cli_stdout(roster_path: Path, tmp_path: Path) -> str:
    proc = subprocess.run([sys.executable, "-m", "dibao_cli", "check", str(roster_path), "--date", DAY, "--format",
                           "json", "-o", str(tmp_path / "check.json"), "--force"], capture_output=True, cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    return proc.stdout.decode()


def test_check_summary_written_plainly_is_rich_s_on_the_examples(tmp_path):
    for name in ("roster.xlsx", "messy-roster.xlsx", "tiered-roster.xlsx"):
        assert _cli_stdout(EXAMPLES / name, tmp_path) == _summary_by_rich(EXAMPLES / name)


def test_check_summary_with_a_township_rich_must_print(tmp_path):
    roster = write_xlsx(tmp_path / "r.xlsx", [
        person("H1", "张三", "1980-01-02", 乡镇="🏠镇"), person("H2", "李四", "1970-03-04", 乡镇="恰卜恰镇"),
        {**person("", "王五", "1960-05-06", seq=13), "乡镇": "江西沟乡"}])
    expected = _summary_by_rich(roster)
    assert "🏠镇" in expected and "发现" in expected
    assert _cli_stdout(roster, tmp_path) == expected
