"""What a person reads on `dibao explain`, the notices and the visit sheet, from the shipped examples through the
real CLI: the covered members counted as covered, each step citing the rule and the policy figure it applied,
dates written the Chinese way, a household's notice addressed to its head, no nested brackets, and a 文号 never
split over two lines in Word."""

from conftest import DAY, EXAMPLES, person, write_xlsx

COUNTY = ["--region", "632521", "--policy", EXAMPLES / "632521-共和县.toml"]
ROSTER = EXAMPLES / "roster.xlsx"
TIERED = EXAMPLES / "tiered-roster.xlsx"
MARGINAL_BASIS = ("低保边缘家庭：人均收入低于低保标准的规定倍数且财产符合规定（国办发〔2023〕39号 低收入人口）；"
                  "《关于加强低收入人口动态监测做好分层分类社会救助工作的意见》（国办发〔2023〕39号）"
                  "（青海省，2021年1月1日起执行；默认值，须县里确认）")
SINGLE_BASIS = "民发〔2021〕57号单人户规定；青海省民政厅：低收入家庭中的重病、重残人员参照“单人户”纳入低保"


def explain(run, roster, household, *extra) -> str:
    out = run("explain", roster, household, *COUNTY, "--date", DAY, *extra)
    assert out.code == 0, out.err
    return out.out


def test_a_single_person_household_counts_only_its_covered_member(run):
    """民发〔2021〕57号单人户规定: GH006 is a 低保边缘 family of three; only 周明 (肢体一级残疾) is covered, as a
    household of one (it said 保障对象 3 人)."""
    text = explain(run, ROSTER, "GH006")
    assert "  共同生活成员 3 人，保障对象 1 人（周明）\n" in text


def test_a_household_all_covered_and_one_not_covered(run):
    """民发〔2021〕57号第十一条: GH007 (低保) covers both members; GH002 (不符合) covers none."""
    assert "  共同生活成员 2 人，保障对象 2 人\n" in explain(run, ROSTER, "GH007")
    text = explain(run, ROSTER, "GH002")
    assert "【结论】不符合" in text and "，保障对象 0 人\n" in text


def test_the_marginal_step_cites_the_marginal_rule_and_the_policy_multiplier(run):
    """国办发〔2023〕39号 (低保边缘家庭) and the policy's marginal_multiplier with its source: the 认定 step of a
    低保边缘 family cites them, then the 单人户 rule for its covered member (it cited 低于当地低保标准)."""
    text = explain(run, ROSTER, "GH006")
    step = text.split("【6. 认定】\n", 1)[1].split("\n\n", 1)[0]
    assert step == ("  家庭月人均收入 455.56 元不低于农村低保标准 400.00 元/人·月，但低于标准的 1.5 倍（600.00 元）：低保边缘家庭\n"
                    "  周明（肢体一级残疾）按单人户纳入：本人月收入 0.00 元，差额 400.00 + 分类施保 60.00 = 460.00 元/月\n"
                    f"  依据：{MARGINAL_BASIS}；{SINGLE_BASIS}")


def test_a_household_above_the_marginal_line_cites_the_marginal_rule(run, tmp_path):
    """国办发〔2023〕39号: income of 600 元 a month is not below 1.5 × 400; the step says so and cites the multiplier."""
    path = write_xlsx(tmp_path / "r.xlsx", [person("H", "甲", "1980-01-01", 经营净收入=7200)])
    text = explain(run, path, "H")
    step = text.split("【6. 认定】\n", 1)[1].split("\n\n", 1)[0]
    assert step == ("  家庭月人均收入 600.00 元不低于农村低保标准 400.00 元/人·月，也不低于标准的 1.5 倍（600.00 元）：不符合\n"
                    f"  依据：{MARGINAL_BASIS}")


def test_the_minimum_top_up_cites_the_countys_minimum_and_its_dated_source(run, tmp_path):
    """民发〔2021〕57号第二十三条 and the county's minimum_monthly_benefit (30 元, 《共和县最低生活保障工作实施细则》,
    from 2026-01-01): 10 元 of difference is raised to 30 元, and the step cites the minimum it applied."""
    path = write_xlsx(tmp_path / "r.xlsx", [person("W3", "李国华", "1980-01-01", 经营净收入=4680)])
    text = explain(run, path, "W3")
    step = text.split("【6. 月保障金】\n", 1)[1].split("\n\n", 1)[0]
    assert "  合计 10.00 元，低于每户最低 30.00 元，按最低金额发放：30.00 元/月\n" in step
    assert step.endswith(
        "（青海省，2018年1月1日起执行）；每户最低金额：《共和县最低生活保障工作实施细则》（共和县，2026年1月1日起执行；"
        "默认值，须县里确认）；取整：《最低生活保障审核确认办法》（民发〔2021〕57号）第二十三条（青海省，2021年1月1日起执行；"
        "默认值，须县里确认）")
    # a benefit not raised cites no minimum
    assert "每户最低金额" not in explain(run, ROSTER, "GH007")


def test_explain_writes_its_dates_the_chinese_way(run):
    """青海省民政厅渐退期规定: GH003's phase-out and the standard's date in force, as 2026年3月1日, never 2026-03-01."""
    text = explain(run, ROSTER, "GH003")
    assert "  农村低保标准 400.00 元/人·月（年标准 ÷ 12），2021年1月1日起执行\n" in text
    assert "  仍在渐退期内：2026年3月1日 至 2027年2月28日（12 个月），期间按原金额发放\n" in text
    assert "  渐退期：2026年3月1日 至 2027年2月28日\n" in text
    assert not __import__("re").search(r"\d{4}-\d{2}-\d{2}", text)
    # the JSON keeps its ISO dates
    data = run("explain", ROSTER, "GH003", *COUNTY, "--date", DAY, "--format", "json").json()
    assert data["household"]["phase_out"]["start"] == "2026-03-01"


def test_the_visit_sheet_writes_its_dates_the_chinese_way(run, tmp_path):
    """The 入户调查表 is printed for a household: its print date, the signals to verify and past visits as
    2026年11月30日; in Word, as in HTML, one signal a line."""
    from docx import Document

    db = ["--db", tmp_path / "l.db"]
    assert run("import", ROSTER, "--month", "2026-11", "--date", DAY, "--region", "632521", *db).code in (0, 1)
    assert run("visit", "GH010", "--date", "2026-11-20", "--by", "韩军", "--kind", "定期回访", *db).code == 0
    assert run("monitor", ROSTER, "--month", "2026-11", "--region", "632521", "--date", DAY, *db,
               "-o", tmp_path / "m.xlsx").code in (0, 1)
    out = run("visits", "sheet", "GH010", "--date", DAY, "-o", tmp_path / "s.html", *db)
    assert out.code == 0, out.err
    html = (tmp_path / "s.html").read_text(encoding="utf-8")
    assert "<span>打印日期：2026年11月30日</span>" in html
    assert "<td>2026年11月20日</td><td>定期回访</td><td>韩军</td>" in html
    assert "当前类别</th><td>无（2026年11月）</td>" in html
    assert "（2026年11月30日 登记）：脱贫户成员丧失劳动能力未纳入<br>编号 " in html
    out = run("visits", "sheet", "GH010", "--date", DAY, "-o", tmp_path / "s.docx", *db)
    assert out.code == 0, out.err
    rows = {row.cells[0].text: row.cells[1].text for row in Document(str(tmp_path / "s.docx")).tables[0].rows}
    first, second = rows["待核实的信号"].split("\n")
    assert first.endswith("（2026年11月30日 登记）：脱贫户成员丧失劳动能力未纳入")
    assert second.endswith("（2026年11月30日 登记）：生活可能不能自理（高宝山）")


def test_a_household_case_is_addressed_to_the_head_named_in_the_ledger(run, tmp_path):
    """国发〔2014〕47号: RG01's 临时救助 was granted to the whole household (no 救助对象): the notice and its
    receipt name 张德明, the head in the ledger, and speak to the household (they said 户主)."""
    db = tmp_path / "l.db"
    assert run("import", TIERED, "--month", "2026-11", *COUNTY, "--date", DAY, "--db", db).code in (0, 1)
    assert run("assistance", "import", EXAMPLES / "临时救助申请.xlsx", "--db", db).code == 0
    out = run("assistance", "notice", "--case", "1", "--case", "3", *COUNTY, "--date", DAY, "-o", tmp_path / "t.html",
              "--db", db)
    assert out.code == 0, out.err
    html = (tmp_path / "t.html").read_text(encoding="utf-8")
    assert '<p class="to">张德明（恰卜恰镇西台村，户编号 RG01）：</p>' in html
    assert "<p>你户申请临时救助一事，经审核符合临时救助条件，决定给予临时救助金 3,200.00 元。</p>" in html
    assert '受送达人</th><td colspan="3">张德明（户编号 RG01），恰卜恰镇西台村</td>' in html
    # a case for one person is addressed to that person
    assert '<p class="to">陈浩（恰卜恰镇东巴村，户编号 RG02）：</p>' in html
    assert "户主（" not in html


def test_the_rigid_notice_nests_no_brackets_and_the_ledger_notice_keeps_the_student(run, tmp_path):
    """青海省刚性支出困难家庭认定（2025年）: 陈浩, a university student, is covered as 单人保. The recognition notice
    writes 陈浩（在校大学生，本科） (it nested 陈浩（在校大学生（本科））), and the 低保 approval issued from the ledger
    still names him (the nested brackets made it lose him)."""
    db = tmp_path / "l.db"
    out = run("assistance", "notice", TIERED, *COUNTY, "--date", DAY, "-o", tmp_path / "r.html", "--db", db)
    assert out.code == 0, out.err
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<li>陈浩（在校大学生，本科）参照单人户纳入最低生活保障，月保障金 400.00 元。</li>" in html
    assert "）（" not in html.split("陈浩（在校大学生", 1)[1].split("</li>", 1)[0]
    assert run("import", TIERED, "--month", "2026-11", *COUNTY, "--date", DAY, "--db", db).code in (0, 1)
    out = run("notice", "--month", "2026-11", "--household", "RG02", *COUNTY, "--date", DAY, "--db", db,
              "-o", tmp_path / "n")
    assert out.code == 0, out.err
    notice = (tmp_path / "n" / "RG02-审批通知书.html").read_text(encoding="utf-8")
    assert "决定给予你户最低生活保障（按单人户纳入：陈浩，月保障金 400.00 元），保障人数 1 人" in notice


def test_the_word_receipt_keeps_the_document_number_on_a_line_of_its_own(run, tmp_path):
    """The 送达回执 of a Word notice: the title, a line break, then the whole 文号 (LibreOffice split it before 号)."""
    from docx import Document
    from docx.oxml.ns import qn

    out = run("notice", ROSTER, *COUNTY, "--date", DAY, "-o", tmp_path / "w", "--format", "docx", "--household", "GH014",
              "--db", tmp_path / "l.db")
    assert out.code == 0, out.err
    document = Document(str(tmp_path / "w" / "GH014-变更通知书.docx"))
    cell = document.tables[-1].rows[0].cells[1]
    assert cell.text == "《最低生活保障金变更（增减发）通知书》\n共和民低〔2026〕1号"
    run_xml = cell.paragraphs[0].runs[0]._r
    assert [child.tag for child in run_xml if child.tag != qn("w:rPr")] == [qn("w:t"), qn("w:br"), qn("w:t")]
