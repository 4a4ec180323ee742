"""A value from the clerk or a roster is printed as written: "[/x]" (a closing tag to rich) stops nothing, "[bold]"
changes no text, ":smile:" is no emoji. Real rosters, the real CLI, the terminal tables (format table)."""

from __future__ import annotations

import io
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from conftest import EXAMPLES, person, write_xlsx

DAY = "2026-11-30"
HID = "[/x]H1"  # a household ID that closes a tag rich never opened: MarkupError, exit 70, before
HEAD = "[bold]王芳"  # a name that is also rich markup: shown as 王芳, before
TOWNSHIP = ":smile:镇[red]"  # an emoji code and an opening tag: 😄镇, before
VILLAGE = "[/]村"
BAD_HID = "H2[b]"  # a household left out for an error: listed as "H2", before
COUNTY = ("--region", "632521")


def hostile_roster(path):
    """Two households: [/x]H1 (assessed, 低保) and H2[b] (a bad ID number: left out)."""
    where = {"乡镇": TOWNSHIP, "村(社区)": VILLAGE}
    rows = [person(HID, HEAD, "1950-01-01", **where, 当前保障类别="低保"),
            person(HID, "孙子:smile:", "2015-05-05", "孙子", seq=13, **where),
            person(BAD_HID, "[red]李四", "1960-02-02", 当前保障类别="低保", 身份证号="bad[/x]", **where)]
    return write_xlsx(path, rows)


def cells(out: str) -> list[list[str]]:
    """The rows of the terminal tables in `out`, each a list of its cells (stripped)."""
    return [[c.strip() for c in line.strip("│").split("│")] for line in out.splitlines() if line.startswith("│")]


def test_check_shows_a_township_as_written(run, tmp_path):
    out = run("check", hostile_roster(tmp_path / "名册.xlsx"), "--date", DAY)
    assert out.code == 1, out.err
    assert [TOWNSHIP, "2", "3"] in cells(out.out)
    assert "😄" not in out.out


def test_assess_table_shows_ids_names_and_villages_as_written(run, tmp_path):
    out = run("assess", hostile_roster(tmp_path / "名册.xlsx"), "--date", DAY, *COUNTY)
    assert out.code == 1, out.err
    row = next(r for r in cells(out.out) if r[0] == HID)
    assert row[:3] == [HID, VILLAGE, HEAD]
    assert f"1 户因名册错误未核算：{BAD_HID}。用 dibao check 查看并修改。\n" in out.out


def test_review_table_shows_the_roster_values_as_written(run, tmp_path):
    out = run("review", hostile_roster(tmp_path / "名册.xlsx"), *COUNTY, "--as-of", DAY)
    assert out.code == 1, out.err
    assert [TOWNSHIP, VILLAGE, HID, HEAD, "从未核查", "", "既没有上次核查日期，也没有纳入日期"] in cells(out.out)
    assert f"1 户因名册错误未核算，没有列出其到期核查：{BAD_HID}。用 dibao check 查看并修改。\n" in out.err


def test_impact_tables_show_the_roster_values_as_written(run, tmp_path):
    out = run("impact", hostile_roster(tmp_path / "名册.xlsx"), *COUNTY, "--date", DAY,
              "--set", "rural_standard_annual=6000")
    assert out.code == 1, out.err
    rows = cells(out.out)
    assert [TOWNSHIP, "1", "1", "800.00", "1000.00", "120.00", "150.00", "0.00", "0.00", "920.00", "1150.00", "+230.00",
            "+2760.00"] in rows
    assert [HID, VILLAGE, HEAD, "低保", "920.00", "低保", "1150.00", "+230.00", "低于标准", "低于标准"] in rows


def test_notices_written_to_a_folder_named_with_brackets_say_its_name(run, tmp_path):
    (tmp_path / "o[").mkdir()
    folder = tmp_path / "o[" / "x][bold]:smile:通知书"  # "[/x]" and "[bold]" in the path
    out = run("notice", EXAMPLES / "roster.xlsx", *COUNTY, "--date", DAY, "-o", folder)
    assert out.code == 0, out.err
    assert out.out.splitlines()[-1].startswith(f"已写入 {folder}：最低生活保障审批（确认）通知书 10 份，")
    assert (folder / "全部通知书.html").exists()


def test_notices_list_a_left_out_household_as_written(run, tmp_path):
    out = run("notice", hostile_roster(tmp_path / "名册.xlsx"), *COUNTY, "--date", DAY, "-o", tmp_path / "通知书")
    assert out.code == 1, out.err
    assert f"1 户因名册错误未核算，没有包含在内：{BAD_HID}。用 dibao check 查看并修改。\n" in out.out


def test_import_to_a_ledger_whose_path_has_brackets_and_its_history_and_log(run, tmp_path):
    (tmp_path / "台账[").mkdir()
    db = tmp_path / "台账[" / "x]:smile:.db"
    out = run("import", hostile_roster(tmp_path / "名册.xlsx"), "--month", "2026-11", *COUNTY, "--date", DAY,
              "--skip-invalid", "--db", db)
    assert out.code == 1, out.err
    assert out.out.splitlines()[:2] == [f"已导入 2026-11（核算日期 {DAY}）：1 户，2 人。台账：{db}",
                                        f"1 户因名册错误未导入：{BAD_HID}。用 dibao check 查看。"]
    history = run("history", HID, "--db", db)
    assert history.code == 0, history.err
    assert f"户 {HID} 的台账记录" in history.out
    assert ["2026-11", HID, HEAD, "低保", "2", "2", "0.00", "920.00", "", ""] in cells(history.out)
    log = run("log", "--db", db)
    assert log.code == 0, log.err
    assert f"db={db}" in log.out


def test_monitor_a_visit_and_the_due_list_show_the_values_as_written(run, tmp_path):
    where = {"乡镇": TOWNSHIP, "村(社区)": VILLAGE}
    roster = write_xlsx(tmp_path / "名册.xlsx", [
        person(HID, HEAD, "1950-01-01", 劳动能力="完全丧失", 当前保障类别="低保", 上次核查日期="2026-06-01", **where),
        person(HID, "孙子:smile:", "2015-05-05", "孙子", seq=13, **where)])
    db = tmp_path / "台账.db"
    assert run("import", roster, "--month", "2026-11", *COUNTY, "--date", DAY, "--db", db).code == 0
    found = run("monitor", roster, *COUNTY, "--date", DAY, "--db", db)
    assert found.code == 1, found.err
    assert f"\n{TOWNSHIP}{VILLAGE}" in found.out  # the table of one village, titled with its names
    assert any(r[:3] == [HID, HEAD, "孙子:smile:"] for r in cells(found.out)), found.out
    due = run("visits", "due", "--date", "2026-12-20", "--within", "0", "--db", db)
    assert due.code == 1, due.err
    assert f"{TOWNSHIP}{VILLAGE}  走访人：未指定" in due.out
    assert any(r[:3] == [HID, HEAD, "信号核实"] for r in cells(due.out)), due.out
    out = run("visit", HID, "--date", "2026-12-02", "--by", "王[b]芳", "--kind", "定期回访", "--findings", "[red]无",
              "--outcome", "无变化", "--db", db)
    assert out.code == 0, out.err
    assert out.out == f"已登记走访 1：{HID} 2026-12-02 定期回访，结果：无变化。\n已关闭信号：1、2、3。\n"
    again = run("visit", HID, "--date", "2026-12-02", "--by", "王[b]芳", "--kind", "定期回访", "--outcome", "无变化",
                "--db", db)
    assert again.out == f"{HID} 2026-12-02 的定期回访已登记过，未重复登记。\n"


def test_an_application_and_the_case_list_show_the_values_as_written(run, tmp_path):
    db = tmp_path / "台账.db"
    out = run("apply", "[bold]G1", "--applicant", ":smile:[/]刘芳", "--accepted", "2026-11-02", "--township", TOWNSHIP,
              "--db", db)
    assert out.code == 0, out.err
    assert out.out.startswith("已登记申请 1：[bold]G1 :smile:[/]刘芳，")
    cases = run("cases", "--date", "2026-11-20", "--db", db)
    assert cases.code == 1, cases.err  # a step overdue
    assert any(r[1] == TOWNSHIP and r[3:5] == ["[bold]G1", ":smile:[/]刘芳"] for r in cells(cases.out)), cases.out


ASSISTANCE_HEADER = ["户编号", "救助对象", "城乡类别", "救助人数", "救助类型", "困难程度", "困难原因", "申请金额", "申请日期",
                     "审批结果", "审批日期"]


def test_assistance_echoes_register_values_as_written(run, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "临时救助"
    ws.append(ASSISTANCE_HEADER)
    for applied, decided in (("2026-03-02", "2026-03-10"), ("2026-09-01", "2026-09-08")):
        ws.append([HID, HEAD, "农村", 3, "支出型", "严重", "[red]重病:smile:", 3000, applied, "批准", decided])
    ws.append(["T9[/]", None, "城市", 2, "急难型", "严重", "交通事故", None, "2026-11-02", None, None])
    wb.save(tmp_path / "临时救助.xlsx")
    db = tmp_path / "l.db"
    out = run("assistance", "import", tmp_path / "临时救助.xlsx", "--db", db)
    assert out.code == 0, out.err
    assert (f"提示：{HID} {HEAD}（申请 2）：本户 2026 年已因“[red]重病:smile:”获临时救助 1 次：同一原因一般不重复救助，请复核\n"
            in out.err)
    listed = run("assistance", "list", "--db", db)
    assert listed.code == 0, listed.err
    assert ["1", HID, HEAD, "3", "支出型", "[red]重病:smile:", "2026-03-02", "已批准", "3000.00", "县级审批", ""] in cells(listed.out)
    out = run("assistance", "decide", "3", "--approve", "--date", "2026-11-10", "--db", db)
    assert out.code == 0, out.err
    assert "已登记：临时救助申请 3（T9[/] 全户）批准 " in out.out
    out = run("assistance", "pay", "3", "--date", "2026-11-20", "--db", db)
    assert out.out == "已登记：临时救助申请 3（T9[/]）3200.00 元于 2026-11-20 发放。\n"


# ---------------------------------------------------------------- the helper
PIECES = [*"ab Z09._-/\\，。：户（）😀é[]:#@", "[/x]", "[bold]", "[/]", ":smile:", ":thumbs_up:", "\\[", "\\\\[b]", "[red",
          "[#fff]", "[@click]", "[link=x]", "C:\\名册\\", "  ", "\\[1]", "\\\\[", "[[b]]"]
VALUES = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)
LINES = ["{}", "前{}后", "[yellow]注意[/]：{}", "[red]3 户因名册错误未核算[/]：{}。用 dibao check 查看。", "已写入 {}：核算 3 户。"]


def printed(*renderables) -> str:
    from dibao_cli.cli.console import console

    out = console()
    out.file = io.StringIO()
    out.print(*renderables)
    return out.file.getvalue()


@settings(max_examples=400, deadline=None)
@given(value=VALUES, line=st.sampled_from(LINES))
def test_a_literal_value_prints_as_written_in_any_line(value, line):
    from dibao_cli.cli.console import literal

    plain = re.sub(r"\[/?[a-z]*\]", "", line)  # the line's own markup, as printed
    assert printed(line.format(literal(value))) == plain.format(value) + "\n"


@settings(max_examples=200, deadline=None)
@given(values=st.lists(VALUES, min_size=1, max_size=4))
def test_literal_cells_print_as_written_in_a_table(values):
    from rich.table import Table

    from dibao_cli.cli.console import literal_cells

    table = Table(box=None, show_header=False, pad_edge=False)
    for _ in values:
        table.add_column(no_wrap=True)
    table.add_row(*literal_cells(values))
    expected = Table(box=None, show_header=False, pad_edge=False)
    for _ in values:
        expected.add_column(no_wrap=True)
    from rich.text import Text

    expected.add_row(*[Text(v) for v in values])
    assert printed(table) == printed(expected)


@given(value=st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=30))
def test_literal_is_the_value_itself_when_it_has_no_tag(value):
    from dibao_cli.cli.console import literal

    if not re.search(r"\\\[|\[[a-z#/@]", value):  # no backslash before a bracket, no tag
        assert literal(value) == value
    assert literal(None) == ""


def test_ordinary_values_are_unchanged():
    from dibao_cli.cli.console import literal, literal_cells

    assert literal_cells(["GH001", "恰卜恰镇", 3, None, "[1]", "C:\\名册\\"]) == ["GH001", "恰卜恰镇", "3", "", "[1]", "C:\\名册\\"]
    assert literal("[/x]") == "\\[/x]"
    assert literal("C:\\[2026]") == "C:\\\\[2026]"  # rich would print "C:[2026]" for "C:\\[2026]"


def test_a_progress_stage_named_after_a_file_shows_its_name():
    """The stage shown while a long run writes (写入 结果[/x].xlsx) is text, not markup."""
    from dibao_cli.cli.console import _progress

    progress = _progress()
    progress.add_task("写入 [/x][bold]:smile:.xlsx", total=None, unit="行")
    task = progress.tasks[0]
    assert progress.columns[1].render(task).plain == "写入 [/x][bold]:smile:.xlsx"
