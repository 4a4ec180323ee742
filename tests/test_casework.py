"""Casework end to end: applications with working-day deadlines, visits, imports, signals closed by a visit.

Dates are chosen around the 2026 National Day holiday (10-01..10-07 off; Sunday 09-20 and Saturday 10-10
worked; Mid-Autumn 09-25..09-27 off), so every deadline below moves because of the holiday calendar.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import person, pid, write_xlsx

D = dt.date


def sheet(path, header, rows, title="办理记录"):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(["恰卜恰镇申请办理记录（每行一件事）"])
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


APP_HEADER = ["户编号", "申请人", "身份证号", "乡镇", "村(社区)", "申请类别", "近亲属备案", "事项", "日期", "经办人", "结果", "说明"]
VISIT_HEADER = ["户编号", "走访日期", "走访人", "走访类型", "发现情况", "收入变化", "处理结果", "信号编号"]


def cases(run, day, code=None):
    out = run("cases", "--date", day, "--format", "json")
    if code is not None:
        assert out.code == code, out.out + out.err
    return {c["application_id"]: c for c in out.json()["cases"]}


# ---------------------------------------------------------------- calendar
def test_working_days_follow_the_holiday_calendar():
    from dibao_cli.casework.calendar import build_calendar

    cal = build_calendar()
    assert cal.add_workdays(D(2026, 9, 29), 3) == D(2026, 10, 9)  # 09-30, (10-01..07 off), 10-08, 10-09
    assert cal.is_workday(D(2026, 10, 10)) and cal.is_workday(D(2026, 9, 20))  # 调休 working weekend days
    assert not cal.is_workday(D(2026, 10, 5)) and not cal.is_workday(D(2026, 9, 25))
    assert cal.add_workdays(D(2026, 9, 21), 30) == D(2026, 11, 9)
    assert cal.workdays_between(D(2026, 11, 5), D(2026, 11, 30)) == 17
    assert cal.workdays_between(D(2026, 11, 30), D(2026, 11, 5)) == -17
    assert cal.warnings == []


def test_county_adds_next_years_calendar_and_unknown_years_warn(tmp_path):
    from dibao_cli.casework.calendar import build_calendar
    from dibao_cli.policy import load_policy

    cal = build_calendar()
    assert cal.add_workdays(D(2026, 12, 30), 3) == D(2027, 1, 5)  # 12-31, (01-01 fixed holiday), 01-04, 01-05
    assert cal.warnings == [
        "2027 年的节假日安排尚未录入（已知到 2026 年），涉及 2027 年的期限只按周末和元旦、劳动节、国庆节推算，可能不准。"
        "请在本县政策文件的 [calendar] 中补录 2027 年的放假和调休上班日。"]
    county = tmp_path / "632521.toml"
    county.write_text('[region]\ncode = "632521"\n\n[calendar]\n'
                      '"2027-01-04" = { value = "休", source = "国务院办公厅关于2027年部分节假日安排的通知" }\n'
                      '"2027-01-09" = { value = "班", source = "国务院办公厅关于2027年部分节假日安排的通知" }\n',
                      encoding="utf-8")
    cal = build_calendar(load_policy("632521", [county]))
    assert not cal.is_workday(D(2027, 1, 4)) and cal.is_workday(D(2027, 1, 9))
    assert cal.add_workdays(D(2026, 12, 30), 3) == D(2027, 1, 6)  # 12-31, 01-05, 01-06
    assert cal.warnings == []


def test_bad_calendar_entry_names_the_line(run, tmp_path):
    county = tmp_path / "632521.toml"
    county.write_text('[region]\ncode = "632521"\n\n[calendar]\n"2027-01-04" = { value = "放", source = "通知" }\n',
                      encoding="utf-8")
    out = run("cases", "--policy", county, "--date", "2026-11-30")
    assert out.code == 4
    assert f"政策文件 {county} 第 5 行（[calendar] 2027-01-04）：应为“休”（放假）或“班”（调休上班）" in out.err


def test_cases_warn_past_the_known_calendar(run):
    assert run("apply", "GH900", "--applicant", "年末", "--accepted", "2026-12-28", "--date", "2026-12-28").code == 0
    out = run("cases", "--date", "2026-12-29", "--format", "json")
    data = out.json()
    assert data["cases"][0]["due"] == "2026-12-31" and data["cases"][0]["overall_due"] == "2027-02-09"
    assert data["calendar_warnings"][0].startswith("2027 年的节假日安排尚未录入（已知到 2026 年）")
    assert "注意：2027 年的节假日安排尚未录入" in out.err


# ---------------------------------------------------------------- an application across 国庆
def test_application_from_acceptance_to_decision_across_national_day(run):
    out = run("apply", "GH101", "--applicant", "张三", "--accepted", "2026-09-29", "--programme", "低保,特困",
              "--township", "恰卜恰镇", "--village", "西台村", "--date", "2026-09-29")
    assert out.code == 0, out.err
    assert "已登记申请 1：GH101 张三，低保、特困，受理日期 2026-09-29。" in out.out
    # three working days: 09-30, then the holiday, then 10-08 and 10-09 (not 10-02)
    assert "下一步：启动调查，期限 2026-10-09（还有 3 个工作日）；办结总期限 2026-11-16。" in out.out
    c = cases(run, "2026-10-08", code=0)[1]
    assert (c["next_step"], c["due"], c["days_left"], c["overdue"]) == ("启动调查", "2026-10-09", 1, False)

    assert run("step", "1", "启动调查", "--date", "2026-10-09").code == 0
    # a home visit on the working Saturday 10-10 by two people is the application's 入户调查 step
    out = run("visit", "GH101", "--date", "2026-10-10", "--by", "王芳,李强", "--kind", "入户调查", "--findings", "土木结构住房")
    assert out.code == 0 and "同时登记为办理中申请的“入户调查”。" in out.out
    assert run("step", "1", "信息核对", "--date", "2026-10-12").code == 0
    assert run("step", "1", "乡镇审核意见", "--date", "2026-10-13").code == 0
    c = cases(run, "2026-10-13", code=0)[1]
    assert (c["next_step"], c["due"], c["days_left"]) == ("公示", "2026-10-27", 10)
    assert run("step", "1", "公示", "--date", "2026-10-14").code == 0
    c = cases(run, "2026-10-15", code=0)[1]
    assert (c["next_step"], c["due"], c["days_left"]) == ("公示期满后县级审批", "2026-10-27", 8)
    assert c["notes"] == ["公示期至 2026-10-20"]
    c = cases(run, "2026-10-21", code=0)[1]
    assert (c["next_step"], c["due"], c["days_left"]) == ("县级审批", "2026-10-27", 4)

    out = run("step", "1", "县级审批", "--date", "2026-10-22", "--result", "批准")
    assert out.code == 0 and "已办结：已批准" in out.out
    out = run("cases", "--date", "2026-10-23")
    assert out.code == 0 and "没有办理中的申请。" in out.out
    # the decision closed the case: no more steps
    out = run("step", "1", "公示", "--date", "2026-10-23")
    assert out.code == 2 and "申请 1 已办结（已批准），不能再登记公示。" in out.err


def test_step_rules(run):
    run("apply", "GH102", "--applicant", "李四", "--accepted", "2026-10-08")
    out = run("step", "1", "入户调查", "--date", "2026-10-09", "--by", "王芳")
    assert out.code == 2 and "入户调查须由至少两名工作人员进行" in out.err
    out = run("step", "1", "启动调查", "--date", "2026-10-07")
    assert out.code == 2 and "启动调查的日期 2026-10-07 早于受理日期 2026-10-08。" in out.err
    out = run("step", "1", "县级审批", "--date", "2026-10-20")
    assert out.code == 2 and "县级审批须写明结果：批准 或 不予批准。" in out.err
    out = run("step", "1", "延期", "--date", "2026-10-20")
    assert out.code == 2 and "延期须写明理由" in out.err
    out = run("step", "1", "盖章", "--date", "2026-10-20")
    assert out.code == 2 and "不认识的办理事项“盖章”" in out.err
    out = run("step", "9", "启动调查", "--date", "2026-10-20")
    assert out.code == 6 and "台账中没有编号为 9 的申请" in out.err
    # an extension with a reason moves the overall deadline from 30 to 45 working days
    assert cases(run, "2026-10-09")[1]["overall_due"] == "2026-11-18"
    assert run("step", "1", "延期", "--date", "2026-10-20", "--note", "需外省协查存款").code == 0
    c = cases(run, "2026-10-20")[1]
    assert c["overall_due"] == "2026-12-09" and c["notes"] == ["已延期：需外省协查存款"]


# ---------------------------------------------------------------- objection during 公示, imported from sheets
def test_objection_during_publicity_imported_from_the_township_sheet(run, tmp_path):
    first = sheet(tmp_path / "办理记录-1.xlsx", APP_HEADER, [
        ["GH201", "马秀英", None, "恰卜恰镇", "东巴村", "低保", None, "公示", "2026-10-10", None, None, None],
        ["GH201", None, None, None, None, None, None, "启动调查", "2026-09-24", "韩军", None, None],
        ["GH201", "马秀英", None, "恰卜恰镇", "东巴村", "低保", None, "受理", "2026-09-21", "韩军", None, None],
        ["GH201", None, None, None, None, None, None, "入户调查", "2026-09-28", "韩军、马兰", None, None],
        ["GH201", None, None, None, None, None, None, "信息核对", "2026-09-30", None, None, None],
        ["GH201", None, None, None, None, None, None, "乡镇审核意见", "2026-10-09", None, None, None],
        ["GH201", None, None, None, None, None, None, "公示异议", "2026-10-13", None, None, "邻居反映家中有一辆货车"],
    ])
    out = run("record", first, "--format", "json")
    assert out.code == 0, out.out + out.err
    assert out.json()["counts"] == {"applications": 1, "steps": 6, "visits": 0, "skipped": 0, "closed_signals": 0,
                                    "errors": 0}
    c = cases(run, "2026-10-14", code=0)[1]
    assert (c["next_step"], c["due"], c["overall_due"]) == ("重新调查", "2026-11-09", "2026-11-09")
    assert c["notes"] == ["公示期间有异议（2026-10-13）：邻居反映家中有一辆货车"]

    second = sheet(tmp_path / "办理记录-2.xlsx", APP_HEADER, [
        ["GH201", None, None, None, None, None, None, "重新调查", "2026-10-19", "韩军,马兰", None, "货车已于2025年转让"],
        ["GH201", None, None, None, None, None, None, "乡镇审核意见", "2026-10-21", None, None, None],
    ])
    assert run("record", second).code == 0
    c = cases(run, "2026-10-21", code=0)[1]
    # the new opinion needs a new notice; the county's 10 working days run from the new opinion
    assert (c["next_step"], c["due"]) == ("公示", "2026-11-04")
    third = sheet(tmp_path / "办理记录-3.xlsx", APP_HEADER, [
        ["GH201", None, None, None, None, None, None, "公示", "2026-10-22", None, None, None],
        ["GH201", None, None, None, None, None, None, "县级审批", "2026-11-02", None, "不予批准", "有机动车辆"],
    ])
    assert run("record", third).code == 0
    c = cases(run, "2026-11-03", code=0)[1]
    assert (c["next_step"], c["due"], c["days_left"], c["status"]) == ("书面告知", "2026-11-05", 2, "open")
    assert run("step", "1", "书面告知", "--date", "2026-11-04").code == 0
    assert cases(run, "2026-11-05", code=0) == {}
    # importing the same sheet again records nothing twice
    out = run("record", first, "--format", "json")
    assert out.code == 0
    assert out.json()["counts"] == {"applications": 0, "steps": 0, "visits": 0, "skipped": 7, "closed_signals": 0,
                                    "errors": 0}
    # a new step for the closed application is refused, naming the row
    late = sheet(tmp_path / "办理记录-4.xlsx", APP_HEADER, [
        ["GH201", None, None, None, None, None, None, "公示异议", "2026-11-06", None, None, "又有异议"]])
    out = run("record", late, "--format", "json")
    assert out.code == 1
    assert [(p["row"], p["column"], p["problem"]) for p in out.json()["problems"]] == [
        (3, "日期", "申请 1 已办结（不予批准），不能再登记公示异议。")]


def test_sheet_problems_name_file_sheet_row_column_and_fix(run, tmp_path):
    path = sheet(tmp_path / "办理记录.xlsx", APP_HEADER, [
        ["GH301", "王五", pid("1970-01-01"), "恰卜恰镇", "西台村", "低保", None, "受理", "2026-11-02", None, None, None],
        ["GH301", "王五", None, None, None, "低保", None, "受理", "2026-11-31", None, None, None],
        ["GH301", None, None, None, None, None, None, "入户调查", "2026-11-04", "王芳", None, None],
        ["GH302", None, None, None, None, None, None, "启动调查", "2026-11-04", None, None, None],
        ["GH301", None, None, None, None, None, None, "盖章", "2026-11-05", None, None, None],
        ["GH303", "赵六", None, None, None, "低保,救急", None, "受理", "2026-11-05", None, None, None],
        ["GH304", "钱七", "632521197001011234", None, None, "低保", None, "受理", "2026-11-05", None, None, None],
    ])
    out = run("record", path, "--format", "json")
    assert out.code == 1
    problems = [(p["sheet"], p["row"], p["column"], p["value"], p["problem"]) for p in out.json()["problems"]]
    # in the sheet's row order, whatever the check that found them
    assert problems == [
        ("办理记录", 4, "日期", "2026-11-31", "日期不存在"),
        ("办理记录", 5, "经办人", "王芳", "入户调查须由至少两名工作人员进行：请填写两名以上调查人（用逗号分开）。"),
        ("办理记录", 6, "户编号", "GH302", "台账中没有这一户在这一天以前受理的申请"),
        ("办理记录", 7, "事项", "盖章", "不认识的办理事项“盖章”。可用：受理、启动调查、入户调查、信息核对、乡镇审核意见、公示、"
                                       "公示异议、重新调查、县级入户核查、县级审批、书面告知、延期、撤回申请。"),
        ("办理记录", 8, "申请类别", "低保,救急", "不认识的申请类别：救急。可用：低保、特困、边缘、刚性支出（可写多个，用逗号分开）。"),
        ("办理记录", 9, "身份证号", "632521197001011234", problems[5][4]),
    ]
    assert problems[5][4].startswith("身份证号有误：")
    first = out.json()["problems"][0]
    assert first["file"] == str(path) and first["fix"] == "核对年、月、日"
    assert out.json()["problems"][2]["fix"] == "先登记受理（事项填“受理”，或用 dibao apply），或核对户编号和日期"
    assert out.json()["counts"]["applications"] == 1
    # the table names the same problems for the clerk, the ID number masked on screen (as dibao check does)
    out = run("record", path)
    assert out.code == 1 and "有问题未导入 6 行" in out.out
    assert "632521197001011234" not in out.out and "632521********1234" in out.out


def test_sheet_without_a_known_header_is_unreadable(run, tmp_path):
    path = sheet(tmp_path / "x.xlsx", ["姓名", "年龄"], [["甲", 3]])
    out = run("record", path)
    assert out.code == 3 and "找不到办理记录或走访记录的表头" in out.err


# ---------------------------------------------------------------- overdue, close relative
def test_overdue_application_is_listed_first_and_exits_1(run):
    run("apply", "GH401", "--applicant", "按时", "--accepted", "2026-11-25")
    run("apply", "GH402", "--applicant", "逾期", "--accepted", "2026-11-02", "--village", "西台村")
    out = run("cases", "--date", "2026-11-30", "--format", "json")
    assert out.code == 1
    found = [(c["application_id"], c["next_step"], c["due"], c["days_left"], c["overdue"]) for c in out.json()["cases"]]
    assert found == [(2, "启动调查", "2026-11-05", -17, True), (1, "启动调查", "2026-11-30", 0, False)]
    out = run("cases", "--date", "2026-11-30")
    assert out.code == 1 and "已逾期 17 个工作日" in out.out and "共 2 件，其中逾期 1 件。" in out.out
    out = run("cases", "--date", "2026-11-30", "--format", "csv", "-o", "cases.csv")
    assert out.code == 1


def test_close_relative_of_a_cadre_needs_a_county_home_visit(run):
    out = run("apply", "GH501", "--applicant", "刘芳", "--accepted", "2026-11-02", "--relative", "村干部")
    assert out.code == 0 and "村干部近亲属：单独登记，县级民政部门须入户核查。" in out.out
    for args in (("启动调查", "--date", "2026-11-03"), ("入户调查", "--date", "2026-11-04", "--by", "韩军,马兰"),
                 ("信息核对", "--date", "2026-11-05"), ("乡镇审核意见", "--date", "2026-11-10"), ("公示", "--date", "2026-11-11")):
        assert run("step", "1", *args).code == 0
    c = cases(run, "2026-11-20", code=0)[1]
    assert (c["next_step"], c["due"], c["close_relative"]) == ("县级入户核查", "2026-11-24", "村干部近亲属")
    assert c["notes"] == ["村干部近亲属：单独登记，须县级入户核查"]
    out = run("visit", "GH501", "--date", "2026-11-20", "--by", "县局赵明", "--kind", "县级核查")
    assert out.code == 2 and "县级核查须由至少两名工作人员进行" in out.err
    out = run("visit", "GH501", "--date", "2026-11-20", "--by", "赵明,孙丽", "--kind", "县级核查")
    assert out.code == 0 and "同时登记为办理中申请的“县级入户核查”。" in out.out
    c = cases(run, "2026-11-20", code=0)[1]
    assert (c["next_step"], c["due"]) == ("县级审批", "2026-11-24")


# ---------------------------------------------------------------- visits: due list, sheet, signals
def test_monitor_signal_gets_an_id_and_is_closed_by_a_visit(run, tmp_path):
    rows = [person("H1", "奶奶", "1950-01-01", 劳动能力="完全丧失", 当前保障类别="低保", 上次核查日期="2026-06-01"),
            person("H1", "孙子", "2015-05-05", "孙子", seq=13)]
    roster = write_xlsx(tmp_path / "r.xlsx", rows)
    assert run("import", roster, "--month", "2026-11", "--date", "2026-11-30").code == 0
    first = run("monitor", roster, "--date", "2026-11-30", "--format", "json")
    assert first.code == 1
    data = first.json()
    raised = [(s["household_id"], s["member"], s["code"]) for s in data["signals"]]
    assert ("H1", "孙子", "child_without_carer") in raised
    assert len(raised) == 3  # two 特困 candidates without a member name, one child: three ids
    assert data["notes"][-1] == f"信号已登记到台账：新发现 {len(raised)} 条，此前登记尚未核实 0 条（编号见 dibao visits due）。"
    again = run("monitor", roster, "--date", "2026-12-01", "--format", "json").json()
    assert again["notes"][-1] == f"信号已登记到台账：新发现 0 条，此前登记尚未核实 {len(raised)} 条（编号见 dibao visits due）。"

    due = run("visits", "due", "--date", "2026-12-20", "--within", "0", "--format", "json")
    assert due.code == 1
    signal_rows = [v for v in due.json()["visits"] if v["kind"] == "信号核实"]
    assert len(signal_rows) == len(raised)
    child = next(v for v in signal_rows if "孙子" in v["reason"])
    assert child["due"] == "2026-12-15" and child["overdue"] is True and child["visitor"] == "未指定"
    assert child["reason"].startswith("信号 ") and child["township"] == "恰卜恰镇" and child["village"] == "西台村"

    out = run("visit", "H1", "--date", "2026-12-02", "--by", "王芳", "--kind", "信号核实", "--findings", "姑姑已回村照料",
              "--members", "姑姑回村共同生活", "--outcome", "有变化已记录")
    assert out.code == 0 and "已关闭信号：" in out.out
    later = run("monitor", roster, "--date", "2026-12-05", "--format", "json")
    data = later.json()
    assert not any(s["household_id"] == "H1" for s in data["signals"]) and later.code == 0
    assert data["notes"][-1] == (f"信号已登记到台账：新发现 0 条，此前登记尚未核实 0 条（编号见 dibao visits due）；"
                                 f"已经走访或审批关闭的 {len(raised)} 条不再列出。")
    due = run("visits", "due", "--date", "2026-12-20", "--within", "0", "--format", "json").json()
    assert not [v for v in due["visits"] if v["kind"] == "信号核实"]


def test_visit_sheet_is_prefilled_from_the_ledger(run, tmp_path):
    rows = [person("H7", "马德", "1960-03-04", 劳动能力="部分丧失", 当前保障类别="低保", 上次核查日期="2025-10-01"),
            person("H7", "马兰", "1962-05-06", "配偶", seq=12)]
    roster = write_xlsx(tmp_path / "r.xlsx", rows)
    assert run("import", roster, "--month", "2026-11", "--date", "2026-11-30").code == 0
    assert run("visit", "H7", "--date", "2026-11-02", "--by", "王芳", "--kind", "定期回访").code == 0
    out = run("visits", "sheet", "H7", "-o", "入户调查表.html", "--date", "2026-11-30")
    assert out.code == 0, out.err
    html = (tmp_path / "入户调查表.html").read_text(encoding="utf-8")
    assert '<section class="household" data-household="H7">' in html
    assert "<td>马德</td><td>户主</td><td>男</td><td>66</td><td>632521********" in html
    assert "<td>马兰</td><td>配偶</td><td>女</td><td>64</td>" in html
    assert "<td>2026年11月2日</td><td>定期回访</td><td>王芳</td><td>无变化</td>" in html
    assert "<h1>入户调查表</h1>" in html and "六项日常生活能力" not in html
    # the signatures are never split over two printed pages
    assert '<table class="sign">' in html and "table.sign { margin-top: 12px; break-inside: avoid;" in html
    assert "以上为户编号 H7（马德）的入户调查表，经调查人和被调查人核对无误后签名。" in html  # if it lands on a page of its own
    assert run("visits", "sheet", "H7", "-o", "入户调查表.html").code == 5
    assert run("visits", "sheet", "H7", "--title", "特困入户核查表", "-o", "特困.html").code == 0
    html = (tmp_path / "特困.html").read_text(encoding="utf-8")
    assert "<h1>特困入户核查表</h1>" in html and "六项日常生活能力" in html
    out = run("visits", "sheet", "H9", "-o", "x.html")
    assert out.code == 6 and "找不到户 H9：2026-11 月名册中没有这一户" in out.err
    # the periodic visit counts as the latest check: the yearly re-check is due a year after it
    due = run("visits", "due", "--date", "2026-11-30", "--within", "400", "--format", "json").json()["visits"]
    periodic = [v for v in due if v["household_id"] == "H7"]
    assert [(v["kind"], v["due"], v["visitor"]) for v in periodic] == [("定期回访", "2027-11-02", "王芳")]


def test_visits_imported_from_a_sheet(run, tmp_path):
    run("apply", "GH601", "--applicant", "韩梅", "--accepted", "2026-11-02", "--township", "恰卜恰镇", "--village", "东巴村")
    run("step", "1", "启动调查", "--date", "2026-11-03")
    path = sheet(tmp_path / "走访记录.xlsx", VISIT_HEADER, [
        ["GH601", "2026-11-04", "韩军，马兰", "入户调查", "住房漏雨", None, "无变化", None],
        ["GH602", "2026-11-05", "韩军", "回访", "外出务工", "月收入约2000元", "有变化", None],
        ["GH603", "2026-11-05", "韩军", "闲聊", None, None, None, None],
        ["GH604", "2026-11-05", None, "定期回访", None, None, None, None],
        ["GH605", "2026-11-05", "韩军", "信号核实", None, None, None, "7"],
    ], title="走访记录")
    out = run("record", path, "--format", "json")
    assert out.code == 1
    data = out.json()
    assert data["counts"] == {"applications": 0, "steps": 1, "visits": 2, "skipped": 0, "closed_signals": 0, "errors": 3}
    assert [(p["row"], p["column"], p["problem"]) for p in data["problems"]] == [
        (5, "走访类型", "不认识的走访类型“闲聊”。可用：入户调查、定期回访、信号核实、特困核查、县级核查。"),
        (6, "走访人", "走访人没有填写"),
        (7, "信号编号", "信号编号 7 不是户 GH605 的信号。用 dibao visits due 查看信号编号。"),
    ]
    c = cases(run, "2026-11-05")[1]
    assert c["next_step"] == "信息核对"


def test_example_sheets_import_clean_and_show_the_weekly_picture(run, tmp_path):
    from conftest import EXAMPLES

    out = run("record", EXAMPLES / "applications.xlsx", EXAMPLES / "visits.xlsx", "--format", "json")
    assert out.code == 0, out.out + out.err
    assert out.json()["counts"] == {"applications": 5, "steps": 17, "visits": 4, "skipped": 0, "closed_signals": 0,
                                    "errors": 0}
    data = run("cases", "--date", "2026-11-30", "--format", "json")
    assert data.code == 1
    found = [(c["household_id"], c["next_step"], c["due"], c["days_left"], c["overdue"]) for c in data.json()["cases"]]
    assert found == [
        ("GH103", "启动调查", "2026-11-05", -17, True),
        ("GH102", "重新调查", "2026-11-23", -5, True),
        ("GH105", "启动调查", "2026-11-30", 0, False),
        ("GH104", "县级入户核查", "2026-12-02", 2, False),
    ]
    out = run("visits", "sheet", "GH104", "-o", tmp_path / "s.html", "--date", "2026-11-30")
    assert out.code == 0
    html = (tmp_path / "s.html").read_text(encoding="utf-8")
    assert "<td>祁国庆</td><td>申请人</td><td>男</td><td>68</td><td>632521********" in html
    assert "编号 4，申请低保，2026年11月9日 受理；村干部近亲属（须县级入户核查）" in html


def test_crosscheck_finding_is_tracked_and_closed_by_a_visit(run, tmp_path):
    from openpyxl import Workbook

    from conftest import EXAMPLES
    from dibao_cli.reading.roster import read_rosters

    roster = EXAMPLES / "roster.xlsx"
    number = next(m.id_number for h in read_rosters([roster]).households.values() for m in h.members if m.name == "杨国庆")
    wb = Workbook()
    wb.active.append(["姓名", "身份证号", "火化日期"])
    wb.active.append(["杨国庆", number, "2026-06-15"])
    wb.save(tmp_path / "殡葬.xlsx")
    args = ("crosscheck", roster, "--against", tmp_path / "殡葬.xlsx", "--kind", "殡葬", "--format", "json")
    assert run("apply", "GH900", "--applicant", "建台账", "--accepted", "2026-11-02").code == 0  # creates dibao.db
    out = run(*args, "--date", "2026-11-30")
    assert out.code == 1 and [f["household_id"] for f in out.json()["findings"]] == ["GH007"]
    assert "信号已登记到台账：新发现 1 条，此前登记尚未核实 0 条" in out.err
    due = run("visits", "due", "--date", "2026-11-30", "--within", "30", "--format", "json").json()["visits"]
    assert [(v["household_id"], v["kind"], v["due"]) for v in due if v["kind"] == "信号核实"] == [
        ("GH007", "信号核实", "2026-12-15")]
    # the visit sheet tells the visitors what to verify and the signal's number to write back (the roster of this
    # household is not in the ledger: the sheet is prefilled from the signal)
    import re

    signal_id = re.match(r"信号 (\d+)：", next(v for v in due if v["kind"] == "信号核实")["reason"]).group(1)
    out = run("visits", "sheet", "GH007", "-o", tmp_path / "核实.html", "--date", "2026-11-30")
    assert out.code == 0, out.err
    html = (tmp_path / "核实.html").read_text(encoding="utf-8")
    assert "<th>待核实的信号</th>" in html and f"编号 {signal_id}（2026年11月30日 登记）：" in html
    assert "户主（申请人）</th><td>杨国庆</td>" in html and "恰卜恰镇" in html
    assert run("visit", "GH007", "--date", "2026-12-01", "--by", "王芳", "--kind", "信号核实", "--findings", "户主已去世",
               "--members", "户主去世，配偶独居", "--outcome", "有变化已记录").code == 0
    out = run(*args, "--date", "2026-12-02")
    assert out.code == 0 and out.json()["findings"] == []
    assert "已经走访或审批关闭的 1 条不再列出" in out.err
    # every change to the ledger is in its audit log
    log = run("log").out
    for command in ("dibao apply", "dibao crosscheck", "dibao visit"):
        assert command in log, command


def test_a_decision_closes_the_households_signals_and_one_open_application_per_household(run, tmp_path):
    from dibao_cli.casework import applications as apps
    from dibao_cli.ledger import casework as store
    from dibao_cli.ledger.store import Ledger

    ledger = Ledger(tmp_path / "t.db")
    try:
        store.record_signals(ledger, "monitor", [{"household_id": "H1", "code": "rigid_hardship", "label": "刚性支出困难"}],
                             "2026-11-02")
        app_id, created = apps.register(ledger, household_id="H1", applicant="甲", programmes="刚性支出",
                                        accepted_on=D(2026, 11, 3))
        assert created and store.signals(ledger)[0]["closed_on"] is None
        for key, day, people in (("investigation", 4, []), ("home_visit", 5, ["甲", "乙"]), ("info_check", 6, []),
                                 ("township_opinion", 9, []), ("publicity", 10, [])):
            apps.record_step(ledger, store.application(ledger, app_id), key, D(2026, 11, day), people=people)
        assert store.signals(ledger)[0]["closed_on"] is None
        apps.record_step(ledger, store.application(ledger, app_id), "decision", D(2026, 11, 20), result="批准")
        assert store.signals(ledger) == []
        closed = store.signals(ledger, open_only=False)[0]
        assert (closed["closed_on"], closed["closed_by"]) == ("2026-11-20", "申请 1 县级审批")
        again = store.record_signals(ledger, "monitor", [{"household_id": "H1", "code": "rigid_hardship", "label": "x"}],
                                     "2026-12-01")
        assert [(i, state) for _, i, state in again] == [(1, "closed")]
    finally:
        ledger.close()
    assert run("apply", "H2", "--applicant", "乙", "--accepted", "2026-11-02").code == 0
    assert run("apply", "H2", "--applicant", "乙", "--accepted", "2026-11-02").out.startswith("已登记过（未重复登记）申请 1")
    out = run("apply", "H2", "--applicant", "乙", "--accepted", "2026-11-09")
    assert out.code == 2 and "户 H2 已有办理中的申请 1（2026-11-02 受理）" in out.err


def test_late_start_is_noted_and_a_gb18030_csv_visit_sheet_imports(run, tmp_path):
    run("apply", "GH701", "--applicant", "晚办", "--accepted", "2026-09-29", "--village", "西台村")
    path = tmp_path / "走访.csv"
    path.write_text("户编号,走访日期,走访人,走访类型,发现情况\nGH701,2026/10/12,韩军 马兰,入户调查,无\n", encoding="gb18030")
    out = run("record", path, "--format", "json")
    assert out.code == 0 and out.json()["counts"]["visits"] == 1 and out.json()["counts"]["steps"] == 1
    c = cases(run, "2026-10-12")[1]
    assert c["next_step"] == "信息核对"
    assert c["notes"] == ["启动调查（2026-10-12）晚于期限 2026-10-09"]
    # the application's own staff are the visitors of its next visit when the household was never visited
    run("apply", "GH702", "--applicant", "新户", "--accepted", "2026-11-02", "--village", "东巴村")
    run("step", "2", "启动调查", "--date", "2026-11-03", "--by", "韩军")
    due = run("visits", "due", "--date", "2026-11-04", "--within", "0", "--format", "json").json()["visits"]
    assert [(v["household_id"], v["kind"], v["visitor"], v["due"]) for v in due] == [
        ("GH702", "入户调查（至少两人）", "韩军", "2026-12-14")]


# ---------------------------------------------------------------- hostile input to the importer and the steps
def test_hostile_cells_in_the_township_sheets_are_named_not_crashed_on(run, tmp_path):
    import xlsxwriter

    path = tmp_path / "走访记录.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("走访记录")
    ws.write_row(0, 0, ["户编号", "走访日期", "走访人", "走访类型", "发现情况", "处理结果", "信号编号"])
    ws.write_row(1, 0, ["GH1", "2026-11-05", "韩军", "定期回访", "无", "无变化", "99999999999999999999999"])
    ws.write_row(2, 0, ["GH2", "2026-11-05", "韩军", "定期回访", "家中\x07有人", "无变化"])
    ws.write_row(3, 0, ["GH3", "2062-11-05", "韩军", "定期回访", "无", "无变化"])
    ws.write_row(4, 0, ["GH4", "2026-11-05", "韩\u200b军", "定期回访", "无", "无变化"])
    ws.write_row(5, 0, ["GH5", "1899-11-05", "韩军", "定期回访", "无", "无变化"])
    wb.close()
    out = run("record", path, "--format", "json")
    assert out.code == 1, out.err
    assert [(p["row"], p["column"], p["problem"]) for p in out.json()["problems"]] == [
        (2, "信号编号", "信号编号 99999999999999999999999 不是户 GH1 的信号。用 dibao visits due 查看信号编号。"),
        (3, "发现情况", "含有看不见的控制字符（U+0007）"),
        (4, "走访日期", f"日期 2062-11-05 晚于今天（{dt.date.today().isoformat()}），记录的应是已经发生的事"),
        (5, "走访人", "含有看不见的控制字符（U+200B）"),
        (6, "走访日期", "日期 1899-11-05 离已知的节假日安排（2004–2026 年）太远，无法推算工作日：请核对日期是否写错。"),
    ]
    assert out.json()["problems"][1]["fix"] == "删去这一格里看不见的字符（可把内容重新输入一遍）后重新导入"
    assert out.json()["counts"]["visits"] == 0
    out = run("visit", "GH1", "--date", "2026-11-05", "--by", "韩军", "--kind", "定期回访", "--signal", "99999999999999999999999")
    assert out.code == 2 and "信号编号 99999999999999999999999 不是户 GH1 的信号" in out.err
    assert not (tmp_path / "dibao.db").exists()  # the commands above failed: they left no empty ledger behind
    from dibao_cli.ledger.store import Ledger

    ledger = Ledger(run.target(tmp_path / "dibao.db"))  # a ledger with something in it, for the unknown application number
    ledger.audit("dibao log", {}, None)
    ledger.close()
    out = run("step", "99999999999999999999999", "启动调查", "--date", "2026-11-05")
    assert out.code == 6 and "台账中没有编号为 99999999999999999999999 的申请" in out.err
    # an output file already there is refused before anything is imported
    (tmp_path / "问题.xlsx").write_bytes(b"")
    good = sheet(tmp_path / "好.xlsx", VISIT_HEADER, [["GH9", "2026-11-05", "韩军", "定期回访", None, None, None, None]])
    out = run("record", good, "-o", "问题.xlsx")
    assert out.code == 5 and "输出文件 问题.xlsx 已存在" in out.err
    out = run("record", good, "--format", "json")
    assert out.code == 0, out.out + out.err
    assert out.json()["counts"]["visits"] == 1


def test_nul_in_a_csv_is_refused_with_its_place(run, tmp_path):
    path = tmp_path / "办理.csv"
    path.write_bytes("户编号,申请人,事项,日期\nGH20,马\x00六,受理,2026-11-02\n".encode("gb18030"))
    out = run("record", path, "--format", "json")
    assert out.code == 1
    assert [(p["row"], p["column"], p["problem"]) for p in out.json()["problems"]] == [
        (2, "申请人", "含有看不见的控制字符（U+0000）")]
    assert out.json()["counts"]["applications"] == 0


def test_a_sheet_missing_a_required_column_names_it(run, tmp_path):
    path = sheet(tmp_path / "走访.xlsx", ["户编号", "走访日期", "走访类型", "发现情况"], [["GH1", "2026-11-05", "定期回访", "无"]],
                 title="走访")
    out = run("record", path)
    assert out.code == 3
    assert (f"{path} 工作表“走访”第 2 行像是入户走访记录的表头，但缺少“走访人”列。请在表头加上这一列"
            "（必需的列：户编号、走访日期、走访人、走访类型）。") in out.err
    # beside a good sheet, the incomplete one is a problem of its own (exit 1), the good one is imported
    from openpyxl import load_workbook

    wb = load_workbook(path)
    good = wb.create_sheet("办理记录")
    good.append(APP_HEADER)
    good.append(["GH9", "甲", None, None, None, "低保", None, "受理", "2026-11-02", None, None, None])
    wb.save(path)
    out = run("record", path, "--format", "json")
    assert out.code == 1
    assert [(p["sheet"], p["row"], p["column"], p["problem"]) for p in out.json()["problems"]] == [
        ("走访", 2, "走访人", "缺少“走访人”列，这张工作表没有导入")]
    assert out.json()["counts"]["applications"] == 1


def test_steps_out_of_order_and_after_the_decision_are_refused(run):
    run("apply", "GH801", "--applicant", "跳步", "--accepted", "2026-11-02")
    out = run("step", "1", "县级审批", "--date", "2026-11-03", "--result", "批准")
    assert out.code == 2 and "申请 1 还没有登记启动调查，不能登记县级审批（须依次：启动调查、入户调查、信息核对、乡镇审核意见、公示）。" in out.err
    for args in (("启动调查", "--date", "2026-11-03"), ("入户调查", "--date", "2026-11-04", "--by", "韩军,马兰"),
                 ("信息核对", "--date", "2026-11-05")):
        assert run("step", "1", *args).code == 0
    out = run("step", "1", "县级审批", "--date", "2026-11-06", "--result", "不予批准")
    assert out.code == 2 and "申请 1 还没有登记乡镇审核意见，不能登记县级审批" in out.err
    assert run("step", "1", "乡镇审核意见", "--date", "2026-11-09").code == 0
    out = run("step", "1", "县级审批", "--date", "2026-11-10", "--result", "批准")
    assert out.code == 2 and "申请 1 还没有登记公示，不能登记县级审批" in out.err
    assert run("step", "1", "公示", "--date", "2026-11-10").code == 0
    assert run("step", "1", "公示异议", "--date", "2026-11-12", "--note", "有异议").code == 0
    out = run("step", "1", "县级审批", "--date", "2026-11-20", "--result", "批准")
    assert out.code == 2 and "申请 1 还没有登记重新调查，不能登记县级审批" in out.err
    # a step dated before the step it answers is refused too
    assert run("step", "1", "重新调查", "--date", "2026-11-13", "--by", "韩军,马兰").code == 0
    assert run("step", "1", "乡镇审核意见", "--date", "2026-11-16").code == 0
    assert run("step", "1", "公示", "--date", "2026-11-17").code == 0
    assert run("step", "1", "县级审批", "--date", "2026-11-25", "--result", "不予批准").code == 0
    out = run("step", "1", "书面告知", "--date", "2026-11-24")
    assert out.code == 2 and "书面告知的日期 2026-11-24 早于县级审批（2026-11-25）。请核对日期。" in out.err
    assert run("step", "1", "书面告知", "--date", "2026-11-26").code == 0
    out = run("step", "1", "县级审批", "--date", "2026-11-27", "--result", "批准")
    assert out.code == 2 and "申请 1 已办结（不予批准），不能再登记县级审批。" in out.err


def test_dates_far_from_the_known_calendar_are_refused_not_crashed_on(run):
    out = run("apply", "GH77", "--applicant", "甲", "--accepted", "9999-12-20")
    assert out.code == 2
    assert "日期 9999-12-20 离已知的节假日安排（2004–2026 年）太远，无法推算工作日：请核对日期是否写错。" in out.err
    assert run("apply", "GH78", "--applicant", "乙", "--accepted", "2026-11-02").code == 0
    out = run("cases", "--date", "2062-11-30")
    assert out.code == 2 and "日期 2062-11-30 离已知的节假日安排（2004–2026 年）太远" in out.err
    out = run("step", "1", "启动调查", "--date", "1899-11-30")
    assert out.code == 2 and "日期 1899-11-30 离已知的节假日安排（2004–2026 年）太远" in out.err
    out = run("visit", "GH78", "--date", "0001-11-30", "--by", "韩军", "--kind", "定期回访")
    assert out.code == 2 and "日期 0001-11-30 离已知的节假日安排（2004–2026 年）太远" in out.err
    out = run("visits", "due", "--within", "99999999", "--date", "2026-11-30")
    assert out.code == 2 and "--within 应为 0 到 3660 天之间的天数" in out.err
    out = run("visits", "due", "--within", "-5", "--date", "2026-11-30")
    assert out.code == 2 and "--within 的取值无效：应为不小于 0 的整数，这里是 -5" in out.err


def test_spring_festival_2026_with_its_working_saturdays(run):
    from dibao_cli.casework.calendar import build_calendar

    cal = build_calendar()
    # 春节 2026: 02-15..02-23 off; Saturdays 02-14 and 02-28 worked
    assert [cal.is_workday(D(2026, 2, d)) for d in (13, 14, 15, 20, 23, 24, 28)] == [True, True, False, False, False, True, True]
    assert cal.add_workdays(D(2026, 2, 12), 3) == D(2026, 2, 24)  # 02-13, 02-14 (Saturday worked), 02-24
    assert cal.add_workdays(D(2026, 2, 12), 30) == D(2026, 4, 1)
    assert cal.workdays_between(D(2026, 2, 12), D(2026, 2, 25)) == 4
    assert run("apply", "GH950", "--applicant", "春节", "--accepted", "2026-02-12", "--date", "2026-02-12").code == 0
    c = cases(run, "2026-02-13", code=0)[1]
    assert (c["next_step"], c["due"], c["days_left"], c["overall_due"]) == ("启动调查", "2026-02-24", 2, "2026-04-01")
    c = cases(run, "2026-02-25", code=1)[1]
    assert (c["due"], c["days_left"], c["overdue"]) == ("2026-02-24", -1, True)


def test_steps_of_the_same_day_count_in_the_procedures_order(run, tmp_path):
    # the township's opinion and the start of its 公示 on one day, written in the sheet in the other order
    path = sheet(tmp_path / "同日.xlsx", APP_HEADER, [
        ["GH960", "同日", None, "恰卜恰镇", "西台村", "低保", None, "受理", "2026-11-02", None, None, None],
        ["GH960", None, None, None, None, None, None, "公示", "2026-11-09", None, None, None],
        ["GH960", None, None, None, None, None, None, "乡镇审核意见", "2026-11-09", None, None, None],
        ["GH960", None, None, None, None, None, None, "信息核对", "2026-11-05", None, None, None],
        ["GH960", None, None, None, None, None, None, "入户调查", "2026-11-04", "韩军,马兰", None, None],
    ])
    assert run("record", path).code == 0
    c = cases(run, "2026-11-10", code=0)[1]
    assert (c["next_step"], c["due"], c["notes"]) == ("公示期满后县级审批", "2026-11-23", ["公示期至 2026-11-15"])
    assert run("step", "1", "县级审批", "--date", "2026-11-16", "--result", "批准").code == 0


def test_a_visit_without_an_application_is_filed_under_the_households_township(run, tmp_path):
    """A routine visit to a household that never applied (nothing open) takes its township and village from
    the ledger's latest month, so a township clerk's row-level rule accepts it and the reports count it."""
    roster = write_xlsx(tmp_path / "r.xlsx", [person("H1", "奶奶", "1950-01-01", 当前保障类别="低保")])
    assert run("import", roster, "--month", "2026-11", "--date", "2026-11-30").code == 0
    out = run("visit", "H1", "--date", "2026-12-02", "--by", "王芳", "--kind", "定期回访", "--findings", "无变化")
    assert out.code == 0, out.out + out.err
    db = run.connect(Path.cwd() / "dibao.db")
    try:
        rows = db.execute("SELECT household_id, township, village FROM case_visits").fetchall()
    finally:
        db.close()
    assert [tuple(r) for r in rows] == [("H1", "恰卜恰镇", "西台村")]
