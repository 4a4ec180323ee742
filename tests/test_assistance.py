"""临时救助 (国发〔2014〕47号; 民发〔2018〕23号): the amount rule with hand-computed figures, the register in the
ledger, import from a real spreadsheet and decisions from the command line.

Province defaults: rural standard 400 元/月, urban 640 元/月; months per person 急难型 2 / 4 (严重), 支出型 3 / 5
(严重); cap 5 x 640 = 3200 元 per case; township 先行救助 up to 2 months of the applicable standard; yearly
warning line 10 x 640 = 6400 元; a second case for the same cause in a year is flagged.
"""

import datetime as dt
from decimal import Decimal

from openpyxl import Workbook

from conftest import DAY, person
from dibao_cli.policy import PolicyAt, load_policy
from dibao_cli.rules import temporary
from test_rules import one

POLICY = PolicyAt(load_policy(), dt.date.fromisoformat(DAY))


def test_amount_above_the_cap_is_cut_to_5_times_the_urban_standard():
    """支出型 严重, 3 people, rural: 400 x 5 x 3 = 6000 > 5 x 640 = 3200; asked 5000 -> 3200, county approves."""
    a = temporary.amount(POLICY, "农村", "支出型", "严重", 3, Decimal(5000))
    assert (a.by_months, a.cap, a.maximum, a.granted) == (Decimal(6000), Decimal(3200), Decimal("3200.00"), Decimal("3200.00"))
    assert a.capped and a.level == "县级审批"


def test_small_urgent_amount_is_a_township_first_grant():
    """急难型 一般, 1 person, rural: 400 x 2 = 800 at most; asked 600 -> 600 <= 800 township limit."""
    a = temporary.amount(POLICY, "农村", "急难型", "一般", 1, Decimal(600))
    assert (a.maximum, a.granted, a.capped, a.level, a.township_limit) == (
        Decimal("800.00"), Decimal("600.00"), False, "乡镇先行救助", Decimal("800.00"))
    a = temporary.amount(POLICY, "城市", "急难型", "严重", 2, None)
    assert (a.by_months, a.granted, a.level) == (Decimal(5120), Decimal("3200.00"), "县级审批")


def test_a_figure_below_the_maximum_is_granted_as_given_never_rounded_up():
    """Rounding applies to the computed amount (standard x months x persons); a request or an approved amount of
    700.50 under the 800 maximum is granted as 700.50, not rounded up to 701 (more than was asked)."""
    a = temporary.amount(POLICY, "农村", "急难型", "一般", 1, Decimal("700.50"))
    assert (a.maximum, a.granted, a.capped) == (Decimal("800.00"), Decimal("700.50"), False)


def test_amount_is_rounded_once_half_up():
    """A rural standard of 4900 a year: 408.333... x 2 = 816.67 -> 817 元."""
    import tempfile
    from pathlib import Path

    path = Path(tempfile.mkdtemp()) / "c.toml"
    path.write_text('[region]\ncode = "632521"\n[parameters.rural_standard_annual]\n'
                    '"2026-01-01" = { value = 4900, source = "本县文件" }\n', encoding="utf-8")
    policy = PolicyAt(load_policy("632521", [path]), dt.date.fromisoformat(DAY))
    assert temporary.amount(policy, "农村", "急难型", "一般", 1, None).granted == Decimal("817.00")


HEADER = ["户编号", "救助对象", "身份证号", "乡镇", "村(社区)", "城乡类别", "救助人数", "救助类型", "困难程度", "困难原因",
          "申请金额", "申请日期", "审批结果", "审批金额", "审批日期", "审批层级", "说明", "发放日期"]


def sheet(path, rows):
    wb = Workbook()
    ws = wb.active
    ws.title = "临时救助"
    ws.append(["恰卜恰镇临时救助申请登记表"])
    ws.append(HEADER)
    for row in rows:
        ws.append([row.get(h) for h in HEADER])
    wb.save(path)
    return path


ROWS = [
    {"户编号": "T1", "城乡类别": "农村", "救助人数": 3, "救助类型": "支出型", "困难程度": "严重", "困难原因": "重病住院",
     "申请金额": 5000, "申请日期": "2026-03-02", "审批结果": "批准", "审批日期": "2026-03-10", "发放日期": "2026-03-15"},
    {"户编号": "T2", "救助对象": "李梅", "城乡类别": "农村", "救助类型": "急难", "困难原因": "火灾", "申请金额": 600,
     "申请日期": "2026-03-03", "审批结果": "批准", "审批日期": "2026-03-03", "审批层级": "乡镇先行救助"},
    {"户编号": "T3", "城乡类别": "农村", "救助类型": "紧急", "困难原因": "车祸", "申请日期": "2026-03-04"},
    {"户编号": "T4", "城乡类别": "城市", "救助类型": "支出型", "困难原因": "子女上学", "申请日期": "2026-03-05",
     "审批结果": "不予批准", "审批日期": "2026-03-12"},
    {"户编号": "T1", "城乡类别": "农村", "救助人数": 3, "救助类型": "支出型", "困难程度": "严重", "困难原因": "重病住院",
     "申请金额": 3200, "申请日期": "2026-09-01", "审批结果": "批准", "审批日期": "2026-09-08"},
    {"户编号": "T5", "城乡类别": "农村", "救助类型": "急难型", "困难原因": "水灾", "申请日期": "2026-03-06",
     "审批结果": "批准", "审批金额": 900, "审批日期": "2026-03-06"},
]


def test_import_records_applications_decisions_and_payments_and_reports_bad_rows(run, tmp_path):
    path = sheet(tmp_path / "临时救助.xlsx", ROWS)
    db = tmp_path / "l.db"
    out = run("assistance", "import", path, "--db", db, "--format", "json")
    assert out.code == 1, out.err
    data = out.json()
    assert data["counts"] == {"applications": 5, "decisions": 3, "payments": 1, "skipped": 0, "errors": 3}
    problems = {(p["row"], p["column"]) for p in data["problems"]}
    assert problems == {(5, "救助类型"), (6, "说明"), (8, "审批金额")}
    bad = next(p for p in data["problems"] if p["row"] == 8)
    assert "900.00 元超过本案最多可救助的 800.00 元" in bad["problem"] and bad["file"].endswith("临时救助.xlsx")
    assert bad["sheet"] == "临时救助"
    # the second 重病住院 case of T1: 3200 + 3200 = 6400 is not above 6400, but the cause repeats
    assert data["warnings"] == ["T1 全户（申请 4）：本户 2026 年已因“重病住院”获临时救助 1 次：同一原因一般不重复救助，请复核"]
    listed = run("assistance", "list", "--db", db, "--format", "json").json()
    by_id = {c["id"]: c for c in listed["cases"]}
    assert (by_id[1]["amount"], by_id[1]["level"], by_id[1]["paid_on"]) == ("3200.00", "县级审批", "2026-03-15")
    assert (by_id[2]["person"], by_id[2]["kind"], by_id[2]["amount"], by_id[2]["level"]) == ("李梅", "急难型", "600.00", "乡镇先行救助")
    assert by_id[3]["status"] == "open" and by_id[5]["status"] == "open"
    assert listed["totals"] == {"急难型": {"cases": 1, "persons": 1, "amount": "600.00"},
                                "支出型": {"cases": 2, "persons": 6, "amount": "6400.00"},
                                "合计": {"cases": 3, "persons": 7, "amount": "7000.00"}}
    # imported again: nothing twice; the corrected rows go in
    again = run("assistance", "import", path, "--db", db, "--format", "json").json()
    assert again["counts"] == {"applications": 0, "decisions": 0, "payments": 0, "skipped": 3, "errors": 3}
    fixed = [dict(r) for r in ROWS]
    fixed[2]["救助类型"], fixed[3]["说明"], fixed[5]["审批金额"] = "急难型", "家庭收入超过规定", 800
    out = run("assistance", "import", sheet(tmp_path / "改.xlsx", fixed), "--db", db, "--format", "json")
    assert out.code == 0 and out.json()["counts"] == {"applications": 1, "decisions": 2, "payments": 0, "skipped": 3,
                                                      "errors": 0}


def test_decide_and_pay_from_the_command_line(run, tmp_path):
    path = sheet(tmp_path / "a.xlsx", [{"户编号": "T9", "城乡类别": "城市", "救助人数": 2, "救助类型": "急难型",
                                        "困难程度": "严重", "困难原因": "交通事故", "申请日期": "2026-11-02"}])
    db = tmp_path / "l.db"
    assert run("assistance", "import", path, "--db", db).code == 0
    assert run("assistance", "pay", "1", "--date", "2026-11-20", "--db", db).code == 2
    out = run("assistance", "decide", "1", "--approve", "--date", "2026-11-10", "--amount", "3300", "--db", db)
    assert out.code == 2 and "超过本案最多可救助的 3200.00 元" in out.err
    out = run("assistance", "decide", "1", "--approve", "--date", "2026-11-10", "--level", "乡镇", "--db", db)
    assert out.code == 2 and "乡镇先行救助限额为 1280.00 元" in out.err
    out = run("assistance", "decide", "1", "--approve", "--date", "2026-11-10", "--db", db)
    assert out.code == 0, out.err
    assert "640.00 元 × 4 个月 × 2 人 = 5120.00 元" in out.out and "批准 3200.00 元，县级审批" in out.out
    assert run("assistance", "decide", "1", "--refuse", "--date", "2026-11-11", "--reason", "x", "--db", db).code == 2
    assert run("assistance", "pay", "1", "--date", "2026-11-20", "--db", db).code == 0
    assert run("assistance", "decide", "7", "--approve", "--date", "2026-11-10", "--db", db).code == 6
    listed = run("assistance", "list", "--db", db, "--from", "2026-11-01", "--to", "2026-11-30", "--format", "json").json()
    assert listed["cases"][0]["paid_on"] == "2026-11-20" and listed["totals"]["急难型"]["amount"] == "3200.00"


def test_yearly_total_above_the_line_is_a_warning(run, tmp_path):
    """3200 + 3200 + 800 = 7200 > 6400 in 2026 for one household (different causes)."""
    rows = [{"户编号": "T1", "城乡类别": "农村", "救助人数": 3, "救助类型": "支出型", "困难程度": "严重", "困难原因": c,
             "申请日期": d, "审批结果": "批准", "审批日期": d} for c, d in (("重病住院", "2026-02-02"), ("子女上学", "2026-08-03"))]
    rows.append({"户编号": "T1", "城乡类别": "农村", "救助类型": "急难型", "困难原因": "火灾", "申请日期": "2026-10-10"})
    db = tmp_path / "l.db"
    assert run("assistance", "import", sheet(tmp_path / "a.xlsx", rows), "--db", db).code == 0
    out = run("assistance", "decide", "3", "--approve", "--date", "2026-10-10", "--db", db)
    assert out.code == 0 and "本户 2026 年临时救助累计 7200.00 元（含本次），超过提示线 6400.00 元" in out.err


def test_temporary_assistance_money_is_not_household_income(run, tmp_path):
    """民发〔2021〕57号第十一条: social-assistance money is not income."""
    h = one(run, tmp_path, [person("H", "甲", "1970-01-01", 经营净收入=2400, 临时救助金=3200)])
    assert h["annual_income"]["counted"] == "2400.00" and h["annual_income"]["excluded_items"] == {"临时救助金": "3200.00"}


def test_a_file_without_the_header_is_unreadable(run, tmp_path):
    path = tmp_path / "x.xlsx"
    wb = Workbook()
    wb.active.append(["姓名", "金额"])
    wb.save(path)
    out = run("assistance", "import", path, "--db", tmp_path / "l.db")
    assert out.code == 3 and "户编号、城乡类别、救助类型、困难原因、申请日期" in out.err


def test_a_csv_sheet_with_a_bad_date_names_the_row_and_column(run, tmp_path):
    """The same sheet as CSV (read by the roster reader): a bad 申请日期 is reported with its row and fix."""
    import csv

    path = tmp_path / "临时救助.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerow([{"户编号": "C1", "城乡类别": "农村", "救助类型": "急难型", "困难原因": "火灾",
                          "申请日期": "2026-11-02"}.get(h, "") for h in HEADER])
        writer.writerow([{"户编号": "C2", "城乡类别": "农村", "救助类型": "急难型", "困难原因": "火灾",
                          "申请日期": "2026-13-45"}.get(h, "") for h in HEADER])
    out = run("assistance", "import", path, "--db", tmp_path / "l.db", "--format", "json")
    assert out.code == 1
    data = out.json()
    assert data["counts"]["applications"] == 1 and data["counts"]["errors"] == 1
    [problem] = data["problems"]
    assert (problem["row"], problem["column"], problem["value"], problem["household_id"]) == (3, "申请日期", "2026-13-45", "C2")
    assert problem["fix"]


def test_decide_amount_that_is_not_a_plain_yuan_figure_is_a_usage_error(run, tmp_path):
    """--amount nan / inf used to end in an internal error (exit 70); "6000,50" (a decimal comma) was read as
    600050 元. Each is a usage error (exit 2) naming the value, and the case stays open."""
    db = tmp_path / "l.db"
    path = sheet(tmp_path / "a.xlsx", [{"户编号": "T9", "城乡类别": "农村", "救助类型": "急难型", "困难原因": "火灾",
                                        "申请日期": "2026-11-02"}])
    assert run("assistance", "import", path, "--db", db).code == 0
    for value in ("nan", "sNaN", "inf", "Infinity", "6000,50", "60,0", "1e3", "600..5"):
        out = run("assistance", "decide", "1", "--approve", "--date", "2026-11-10", "--amount", value, "--db", db)
        assert out.code == 2, (value, out.err)
        assert f"“{value}”" in out.err and "Traceback" not in out.err
    assert run("assistance", "list", "--db", db, "--format", "json").json()["cases"][0]["status"] == "open"
    out = run("assistance", "decide", "1", "--approve", "--date", "2026-11-10", "--amount", "7,00.5", "--db", db)
    assert out.code == 2
    out = run("assistance", "decide", "1", "--approve", "--date", "2026-11-10", "--amount", "0,700.50", "--db", db)
    assert out.code == 2
    out = run("assistance", "decide", "1", "--approve", "--date", "2026-11-10", "--amount", "700.50元", "--db", db)
    assert out.code == 0 and "批准 700.50 元" in out.out


def test_import_zero_persons_and_a_decimal_comma_amount_are_row_errors(run, tmp_path):
    """救助人数 0 used to be recorded as 1 person; 申请金额 "6000,50" as 600050 元. Both are now errors naming the
    row and column, and the row is not registered; "6,000.50" (thousands separator) is 6000.50 元."""
    rows = [{"户编号": "Z1", "城乡类别": "农村", "救助人数": 0, "救助类型": "急难型", "困难原因": "火灾",
             "申请日期": "2026-03-01"},
            {"户编号": "Z2", "城乡类别": "农村", "救助类型": "急难型", "困难原因": "火灾", "申请金额": "6000,50",
             "申请日期": "2026-03-01"},
            {"户编号": "Z3", "城乡类别": "农村", "救助类型": "急难型", "困难原因": "火灾", "申请金额": "6,000.50",
             "申请日期": "2026-03-01"},
            {"户编号": "Z4", "城乡类别": "农村", "救助类型": "急难型", "困难原因": "火灾", "申请日期": "2026-03-01",
             "审批结果": "批准", "审批金额": "700,5", "审批日期": "2026-03-02"}]
    db = tmp_path / "l.db"
    out = run("assistance", "import", sheet(tmp_path / "a.xlsx", rows), "--db", db, "--format", "json")
    assert out.code == 1
    data = out.json()
    assert data["counts"] == {"applications": 1, "decisions": 0, "payments": 0, "skipped": 0, "errors": 3}
    problems = {(p["row"], p["column"], p["value"], p["household_id"]) for p in data["problems"]}
    assert problems == {(3, "救助人数", "0", "Z1"), (4, "申请金额", "6000,50", "Z2"), (6, "审批金额", "700,5", "Z4")}
    assert all(p["fix"] for p in data["problems"])
    [case] = run("assistance", "list", "--db", db, "--format", "json").json()["cases"]
    assert (case["household_id"], case["requested"], case["persons"]) == ("Z3", "6000.50", 1)


def test_a_sheet_missing_one_required_column_names_that_column(run, tmp_path):
    path = tmp_path / "x.xlsx"
    wb = Workbook()
    wb.active.append(["户编号", "城乡类别", "救助类型", "申请日期", "申请金额"])
    wb.active.append(["B1", "农村", "急难型", "2026-01-01", 500])
    wb.save(path)
    out = run("assistance", "import", path, "--db", tmp_path / "l.db")
    assert out.code == 3
    assert "第 1 行的表头缺少“困难原因”列" in out.err and "x.xlsx" in out.err and "Sheet" in out.err


def test_a_refusal_without_a_reason_in_the_sheet_points_at_the_remarks_column(run, tmp_path):
    rows = [{"户编号": "R1", "城乡类别": "农村", "救助类型": "急难型", "困难原因": "火灾", "申请日期": "2026-03-01",
             "审批结果": "不予批准", "审批日期": "2026-03-02"}]
    out = run("assistance", "import", sheet(tmp_path / "a.xlsx", rows), "--db", tmp_path / "l.db", "--format", "json")
    assert out.code == 1
    [problem] = out.json()["problems"]
    assert (problem["row"], problem["column"]) == (3, "说明") and "--reason" not in problem["problem"] + problem["fix"]
    assert "说明" in problem["fix"]


def test_a_case_number_beyond_any_case_is_not_found_never_an_internal_error(run, tmp_path):
    """An application number too large for the ledger (a pasted ID number, say) used to end in exit 70."""
    db = tmp_path / "l.db"
    # an existing ledger holding one case (a missing ledger is exit 7: these commands never create one)
    assert run("assistance", "import", sheet(tmp_path / "a.xlsx", ROWS[:1]), "--db", db).code == 0
    for args in (("decide", "99999999999999999999", "--approve", "--date", "2026-11-10"),
                 ("pay", "99999999999999999999", "--date", "2026-11-10"), ("decide", "0", "--approve", "--date", "2026-11-10")):
        out = run("assistance", *args, "--db", db)
        assert out.code == 6, (args, out.err)
        assert "台账中没有编号为" in out.err


def test_a_row_whose_decision_fails_says_the_application_itself_was_registered(run, tmp_path):
    """The application of a row whose decision cannot be recorded is registered (it was received); the problem and
    the summary say so instead of 'not imported', and the case is listed as open."""
    rows = [{"户编号": "P1", "城乡类别": "农村", "救助类型": "急难型", "困难原因": "火灾", "申请日期": "2026-03-01",
             "审批结果": "批准", "审批金额": 900, "审批日期": "2026-03-02"}]
    db = tmp_path / "l.db"
    out = run("assistance", "import", sheet(tmp_path / "a.xlsx", rows), "--db", db, "--format", "json")
    assert out.code == 1
    [problem] = out.json()["problems"]
    assert problem["problem"].endswith("（申请已登记，审批未登记）") and problem["column"] == "审批金额"
    assert "导入：新申请 1 件，审批 0 件，发放 0 件；已有而跳过 0 行；有问题 1 行（其中 1 行已登记申请、待改正后重新导入补登）。" in out.err
    [case] = run("assistance", "list", "--db", db, "--format", "json").json()["cases"]
    assert case["status"] == "open"


def test_import_with_an_existing_output_file_refuses_before_recording_anything(run, tmp_path):
    """The problem list cannot be written over an existing file without --force: nothing is imported either, so
    running it again with another file name does not find the rows 'already imported'."""
    db, report = tmp_path / "l.db", tmp_path / "问题.xlsx"
    report.write_bytes(b"old")
    path = sheet(tmp_path / "a.xlsx", ROWS[:2])
    out = run("assistance", "import", path, "--db", db, "-o", report)
    assert out.code == 5 and report.read_bytes() == b"old"
    assert not db.exists()  # refused before the ledger was even opened: nothing recorded
    again = run("assistance", "import", path, "--db", db, "-o", tmp_path / "问题2.xlsx")
    assert again.code == 0, again.err
    assert len(run("assistance", "list", "--db", db, "--format", "json").json()["cases"]) == 2
