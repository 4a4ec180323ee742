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


def test_an_unreadable_date_in_an_extract_is_reported_and_the_row_still_matched(run, tmp_path):
    """#N/A, a bare number and an impossible date in the death date: each a warning with row and column, the
    member still found, and no recovery amount made up from a date that was not read."""
    from openpyxl import Workbook

    from conftest import EXAMPLES
    from dibao_cli.reading.roster import read_rosters

    roster = EXAMPLES / "roster.xlsx"
    ids = {m.name: m.id_number for h in read_rosters([roster]).households.values() for m in h.members}
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号", "死亡日期"])
    ws.append(["马建国", ids["马建国"], "#N/A"])  # openpyxl writes an error cell
    ws.append(["韩秀英", ids["韩秀英"], 2026])
    ws.append(["李永福", ids["李永福"], "2026-13-01"])
    ws.append(["王桂兰", ids["王桂兰"], "2026-06-01"])
    path = tmp_path / "死亡.xlsx"
    wb.save(path)
    result = run("crosscheck", roster, "--against", path, "--kind", "死亡", "--date", "2026-11-30", "--format", "json")
    assert result.code == 1
    data = result.json()
    assert [(p["row"], p["column"], p["value"], p["code"], p["severity"]) for p in data["extract_problems"]] == [
        (2, "死亡日期", "#N/A", "cell_error", "warning"), (3, "死亡日期", "2026", "date_number", "warning"),
        (4, "死亡日期", "2026-13-01", "date_invalid", "warning")]
    assert all("这一行仍参与比对，但没有日期，不计算已发月数和应追缴金额" in p["problem"] for p in data["extract_problems"])
    assert [f["record"]["row"] for f in data["findings"]] == [2, 3, 4, 5]
    screen = run("crosscheck", roster, "--against", path, "--kind", "死亡", "--date", "2026-11-30")
    assert "比对数据中有 3 个日期无法读取：这些行仍参与比对，但不计算应追缴金额" in screen.out
    assert "这些行无法比对" not in screen.out


def test_db_backup_onto_the_ledger_itself_is_refused_even_with_force(run, tmp_path, ledger):
    before = ledger.read_bytes()
    for extra in ([], ["--force"]):
        result = run("db", "backup", tmp_path / "." / "l.db", "--db", ledger, *extra)
        assert result.code == 5, result.out + result.err
        assert "就是台账本身，不能备份到它自己" in result.err
    assert ledger.read_bytes() == before


def test_db_backup_is_a_complete_ledger_with_no_temporary_file_left(run, tmp_path, ledger):
    import sqlite3

    (tmp_path / "备份").mkdir()
    target = tmp_path / "备份" / "dibao-2026-11.db"
    assert run("db", "backup", target, "--db", ledger).code == 0
    con = sqlite3.connect(target)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert con.execute("SELECT COUNT(*) FROM households").fetchone() == (1,)
    con.close()
    assert sorted(p.name for p in (tmp_path / "备份").iterdir()) == ["dibao-2026-11.db"]
    assert run("history", "H1", "--db", target).code == 0


def _date_formatted_number(path, column_name, number, rows=None):
    """Type `number` into every data cell of a column formatted as a date, as a clerk does in Excel."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb.active
    header = [c.value for c in ws[1]]
    col = header.index(column_name) + 1
    for r in rows or range(2, ws.max_row + 1):
        cell = ws.cell(r, col)
        cell.value = number
        cell.number_format = "yyyy-mm-dd"
    wb.save(path)
    return path


@pytest.mark.parametrize("number,shown,typed", [(2026, "1905-07-18", " 2026"), (3652, "1909-12-30", " 3652"),
                                                (3, None, "（如月份、日）")])
def test_a_number_typed_into_a_date_formatted_cell_is_an_error_not_1905(run, tmp_path, number, shown, typed):
    rows = family() + [person("H2", "马福", "1960-01-01", 经营净收入=1000)]
    rows[0]["渐退开始日期"] = rows[1]["渐退开始日期"] = "2026-01-01"
    path = _date_formatted_number(write_xlsx(tmp_path / "r.xlsx", rows), "渐退开始日期", number, rows=[2, 3])
    result = run("check", path, "--format", "json")
    assert result.code == 1, result.out
    problems = [p for p in result.json()["problems"] if p["code"] == "date_number"]
    assert [(p["row"], p["column"], p["severity"]) for p in problems][:1] == [(2, "渐退开始日期", "error")]
    if shown:
        assert problems[0]["value"] == shown
        assert problems[0]["problem"] == (f"日期 {shown} 不可能：多半是在设为日期格式的单元格中只输入了数字{typed}，"
                                          f"Excel 把它显示为 {shown}")
    assessed = run("assess", path, "--format", "json")
    assert assessed.code == 1
    assert [h["household_id"] for h in assessed.json()["left_out"]] == ["H1"]
    assert [h["household_id"] for h in assessed.json()["households"]] == ["H2"]


def test_a_real_date_cell_and_a_birth_date_are_still_dates(run, tmp_path):
    import datetime as dt

    rows = family()
    rows[0]["渐退开始日期"] = rows[1]["渐退开始日期"] = dt.date(2026, 3, 1)
    path = write_xlsx(tmp_path / "r.xlsx", rows)
    result = run("check", path, "--format", "json")
    assert result.code == 0 and result.json()["problems"] == []


def test_a_number_typed_into_a_date_formatted_cell_of_an_assistance_sheet_is_not_imported(run, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["户编号", "城乡类别", "救助人数", "救助类型", "困难原因", "申请金额", "申请日期"])
    ws.append(["P1", "农村", 1, "急难型", "火灾", 600, 2026])
    ws.cell(2, 7).number_format = "yyyy-mm-dd"
    ws.append(["P2", "农村", 1, "急难型", "火灾", 600, dt_date(2026, 3, 2)])
    path = tmp_path / "临时救助.xlsx"
    wb.save(path)
    result = run("assistance", "import", path, "--db", tmp_path / "l.db", "--format", "json")
    assert result.code == 1, result.out + result.err
    data = result.json()
    assert [(p["row"], p["column"], p["value"], p["code"]) for p in data["problems"]] == [
        (2, "申请日期", "1905-07-18", "date_number")]
    assert data["counts"]["applications"] == 1
    listed = run("assistance", "list", "--db", tmp_path / "l.db", "--format", "json").json()["cases"]
    assert [(c["household_id"], c["applied_on"]) for c in listed] == [("P2", "2026-03-02")]


def dt_date(*args):
    import datetime as dt

    return dt.date(*args)


def test_an_import_refused_for_roster_errors_leaves_no_new_ledger(run, tmp_path):
    rows = family()
    rows[0]["经营净收入"] = "6000,50"
    path = write_xlsx(tmp_path / "r.xlsx", rows)
    result = run("import", path, "--month", "2026-11")
    assert result.code == 1, result.out + result.err
    assert "名册有 1 个错误，未导入" in result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.xlsx"]


def test_an_import_with_errors_only_the_policy_finds_is_refused_without_skip_invalid(run, tmp_path, ledger):
    """A renamed income column (打工收入) is an error only against the policy: the import is refused as a whole,
    as the README promises, not half imported; --skip-invalid imports the rest and lists the household."""
    from conftest import BASE_HEADER

    rows = family() + [person("H2", "马福", "1960-01-01", 打工收入=1000)]
    header = BASE_HEADER + ["经营净收入", "打工收入"]
    path = write_xlsx(tmp_path / "2026-12.xlsx", rows, header=header)
    before = ledger.read_bytes()
    result = run("import", path, "--month", "2026-12", "--db", ledger)
    assert result.code == 1, result.out + result.err
    assert "名册有 1 户有错误（H2），未导入" in result.err
    assert ledger.read_bytes() == before
    assert "2026-12" not in run("log", "--db", ledger).out
    result = run("import", path, "--month", "2026-12", "--db", ledger, "--skip-invalid")
    assert result.code == 1 and "1 户因名册错误未导入：H2" in result.out


def test_a_lone_carriage_return_in_a_csv_cell_is_a_chinese_message(run, tmp_path):
    path = tmp_path / "名册.csv"
    path.write_bytes("乡镇,村(社区),户编号,姓名,身份证号,与户主关系,城乡类别\r\n"
                     "恰卜恰镇,西\r台村,H1,马,632521198103150138,户主,农村\r\n".encode())
    for command in ("check", "assess"):
        result = run(command, path)
        assert result.code == 3, result.out + result.err
        assert result.err.strip() == (f"错误：{path} 第 2 行有一个单元格中间夹着单独的回车符（没有加引号的换行），无法按 CSV 读取。"
                                      "请用 Excel 或 WPS 打开后另存为 .xlsx 再试，或删去这一行单元格中的换行。")


def test_control_characters_in_a_roster_never_reach_the_screen(run, tmp_path):
    """A NUL, a backspace and a carriage return in a village or name: gone from every screen (assess, explain,
    review, check), while the readable text stays."""
    rows = family()
    for row in rows:
        row["村(社区)"] = "西台\x00村\x08\r"
    rows[0]["姓名"] = "才让\x1b[2J东智"
    path = tmp_path / "r.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        import csv

        from conftest import table

        header, data = table(rows)
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(["" if v is None else v for v in row] for row in data)
    for command in (["assess", path], ["explain", path, "H1"], ["review", path, "--as-of", "2026-11-30"],
                    ["check", path]):
        result = run(*command)
        shown = result.out + result.err
        assert not any(c in shown for c in "\x00\x08\r"), (command, shown)
        assert "\x1b[2J" not in shown, command


def test_another_programs_sqlite_file_as_the_ledger_is_refused_and_left_unchanged(run, tmp_path):
    import sqlite3

    other = tmp_path / "通讯录.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE contacts (name TEXT)")
    con.commit()
    con.close()
    before = other.read_bytes()
    path = write_xlsx(tmp_path / "2026-11.xlsx", family())
    for command in (["import", path, "--month", "2026-11"], ["history", "H1"], ["log"], ["review"]):
        result = run(*command, "--db", other)
        assert result.code == 7, (command, result.out + result.err)
        assert f"{other} 不是 dibao 台账（是别的程序的数据库文件），dibao 没有改动它。" in result.err
    assert other.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2026-11.xlsx", "通讯录.db"]


def test_monitor_says_which_households_it_could_not_monitor(run, tmp_path):
    rows = family() + [person("H2", "马福", "1960-01-01", 经营净收入="6000,50")]
    path = write_xlsx(tmp_path / "r.xlsx", rows)
    for extra in ([], ["--format", "json"]):
        result = run("monitor", path, "--date", "2026-11-30", *extra)
        assert result.code == 1, result.out + result.err
        assert "1 户因名册错误未核算，没有监测：H2。用 dibao check 查看并修改。" in " ".join(result.out.split())


@pytest.mark.parametrize("command,option", [
    (["assess", "ROSTER", "--date", "9999-12-31"], "--date"),
    (["review", "--db", "DB", "--as-of", "9999-12-31"], "--as-of"),
    (["impact", "ROSTER", "--effective", "9999-12-31", "--set", "rural_standard_annual=6000"], "--effective"),
    (["publicity", "ROSTER", "--region", "632521", "--from", "9999-12-31", "-o", "公示.html"], "--from"),
    (["notice", "ROSTER", "--region", "632521", "--date", "9999-12-31", "-o", "通知书"], "--date"),
])
def test_a_date_in_year_9999_is_a_usage_error_not_an_internal_error(run, tmp_path, ledger, command, option):
    roster = write_xlsx(tmp_path / "r.xlsx", family())
    args = [str(roster) if a == "ROSTER" else str(ledger) if a == "DB" else a for a in command]
    result = run(*args)
    assert result.code == 2, result.out + result.err
    assert f"{option} 的取值无效：日期 9999-12-31 超出可处理的范围（1900–2099 年），请核对年份" in result.err
    assert not (tmp_path / "公示.html").exists() and not (tmp_path / "通知书").exists()


def test_a_month_in_year_9999_is_not_imported(run, tmp_path, ledger):
    roster = write_xlsx(tmp_path / "r.xlsx", family())
    before = ledger.read_bytes()
    result = run("import", roster, "--month", "9999-12", "--db", ledger)
    assert result.code == 2
    assert "--month 的取值无效：月份 9999-12 超出可处理的范围（1900–2099 年），请核对年份" in result.err
    assert ledger.read_bytes() == before


def test_review_within_is_bounded(run, ledger):
    result = run("review", "--db", ledger, "--within", "99999999999")
    assert result.code == 2
    assert "--within 的取值无效：应为 0 到 3660 之间的整数，这里是 99999999999" in result.err
    assert run("review", "--db", ledger, "--within", "3660", "--as-of", "2026-11-30").code == 1  # H1 never checked


@pytest.mark.parametrize("column", ["渐退开始日期", "上次核查日期", "纳入日期"])
def test_a_roster_date_in_year_9999_is_an_error_not_an_internal_error(run, tmp_path, column):
    rows = family() + [person("H2", "马福", "1960-01-01", 经营净收入=1000)]
    rows[0][column] = rows[1][column] = "9999-12-01"
    rows[0]["当前保障类别"] = rows[1]["当前保障类别"] = "渐退期" if column == "渐退开始日期" else "低保"
    path = write_xlsx(tmp_path / "r.xlsx", rows)
    result = run("check", path, "--format", "json")
    assert result.code == 1
    problem = next(p for p in result.json()["problems"] if p["code"] == "date_invalid")
    assert (problem["row"], problem["column"], problem["value"], problem["problem"]) == (
        2, column, "9999-12-01", "日期 9999-12-01 不可能（晚于 2099 年）")
    for command in (["assess", path, "--format", "json"], ["review", path, "--format", "json"],
                    ["monitor", path, "--format", "json"], ["explain", path, "H2"]):
        out = run(*command)
        assert out.code == {"assess": 1, "review": 1, "monitor": 1, "explain": 0}[command[0]], \
            (command, out.err)
        assert "内部错误" not in out.err


def test_review_from_a_roster_names_the_households_it_could_not_check(run, tmp_path):
    rows = family() + [person("H2", "马福", "1960-01-01", 经营净收入="6000,50")]
    path = write_xlsx(tmp_path / "r.xlsx", rows)
    result = run("review", path, "--as-of", "2026-11-30", "--format", "json")
    assert result.code == 1, result.out + result.err
    assert result.json()["items"] == []
    assert "1 户因名册错误未核算，没有列出其到期核查：H2。用 dibao check 查看并修改。" in " ".join(result.err.split())


def test_template_only_writes_an_xlsx_name(run, tmp_path):
    result = run("template", "-o", "名册.csv")
    assert result.code == 2
    assert "空白名册是 Excel 工作簿，文件名须以 .xlsx 结尾（这里是“名册.csv”），如 -o 名册模板.xlsx。" in result.err
    assert not (tmp_path / "名册.csv").exists()
    assert run("template", "-o", "名册.xlsx").code == 0


def test_a_policy_file_that_is_not_toml_is_a_chinese_message_with_line_and_column(run, tmp_path):
    path = tmp_path / "632521.toml"
    path.write_text('[region]\ncode = "632521"\nname = 共和县\n', encoding="utf-8")
    result = run("policy", "check", path)
    assert result.code == 4
    assert result.err.strip() == (f"错误：政策文件 {path} 第 3 行第 8 列附近不是正确的 TOML 写法（常见原因：文字没有加英文双引号、"
                                  "括号或引号没有配对、同一项写了两次）。请对照 dibao 自带的示例修改。")


def test_a_limit_too_long_for_any_roster_is_a_usage_error(run, ledger):
    result = run("log", "--db", ledger, "--limit", "99999999999999999999999")
    assert result.code == 2
    assert "--limit 的取值无效：应为 0 到 1000000000 之间的整数，这里是 99999999999999999999999" in result.err


def test_notice_for_a_household_that_is_not_there_is_exit_6_not_nothing_to_issue(run, tmp_path, ledger):
    roster = write_xlsx(tmp_path / "r.xlsx", family())
    result = run("notice", roster, "--kind", "refusal", "--household", "H9", "--household", "H1", "-o", "通知书",
                 "--bureau", "共和县民政局", "--db", ledger)
    assert result.code == 6, result.out + result.err
    assert f"名册 {roster} 中没有户编号为“H9”的户。请核对 --household 的户编号。" in result.err
    assert not (tmp_path / "通知书").exists()
    result = run("notice", "--month", "2026-11", "--household", "H9", "-o", "通知书", "--bureau", "共和县民政局",
                 "--db", ledger)
    assert result.code == 6
    assert "台账 2026-11 月及上月中没有户编号为“H9”的户。请核对 --household 的户编号。" in result.err
    assert not (tmp_path / "通知书").exists()


def test_a_nul_in_a_village_does_not_strip_the_symbols_of_a_word_visit_sheet(run, tmp_path):
    """A NUL anywhere on the sheet used to send Word's XML through recovery parsing, which dropped every `&`
    and `<` of every value: 城东&城西<社区> printed as 城东城西社区."""
    from docx import Document

    from conftest import write_csv

    rows = family()
    for row in rows:
        row["村(社区)"] = "城东&城西<社区>\x00"
    rows[0]["姓名"] = "才让&<东智>"
    db = tmp_path / "l.db"
    assert run("import", write_csv(tmp_path / "r.csv", rows), "--month", "2026-11", "--db", db).code == 0
    out = tmp_path / "入户调查表.docx"
    result = run("visits", "sheet", "H1", "--db", db, "-o", out, "--date", "2026-11-30")
    assert result.code == 0, result.out + result.err
    document = Document(str(out))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "恰卜恰镇城东&城西<社区>" in text
    assert "才让&<东智>" in text
    assert "\x00" not in text
