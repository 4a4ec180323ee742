"""Notices, publicity lists and reports rendered from the real templates, checked by parsing them."""

from html.parser import HTMLParser

import pytest

from conftest import DAY, EXAMPLES, person, pid, write_xlsx

ROSTER = EXAMPLES / "roster.xlsx"
COUNTY = ["--region", "632521"]


class Sections(HTMLParser):
    """Collects each notice section (household, kind) and the visible text."""

    def __init__(self):
        super().__init__()
        self.sections, self.text = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-household" in attrs:
            self.sections.append((attrs["data-household"], attrs.get("data-kind")))

    def handle_data(self, data):
        self.text.append(data)


def parse(path):
    parser = Sections()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.sections, "".join(parser.text)


def notices(run, tmp_path, *args, code=0):
    out = run("notice", *args, "--date", DAY, "--db", tmp_path / "l.db")
    assert out.code == code, out.out + out.err
    return out


def test_auto_notices_for_the_example_roster(run, tmp_path):
    notices(run, tmp_path, ROSTER, *COUNTY, "-o", tmp_path / "out", "--publicity-from", "2026-11-20")
    sections, text = parse(tmp_path / "out" / "全部通知书.html")
    kinds = dict(sections)
    assert kinds["GH001"] == "approval" and kinds["GH002"] == "refusal" and kinds["GH004"] == "termination"
    assert kinds["GH005"] == "phase-out" and kinds["GH007"] == "change" and kinds["GH006"] == "approval"
    assert "GH003" not in kinds  # still in phase-out: nothing new to notify
    assert len(sections) == 30 and len(list((tmp_path / "out").glob("GH*.html"))) == 30
    _, one = parse(tmp_path / "out" / "GH002-不予批准告知书.html")
    assert "60 日内向共和县人民政府申请行政复议" in one and "6 个月内依法向人民法院提起行政诉讼" in one
    assert "存款及金融资产 30,000.00 元，超过上限 19,200.00 元" in one and "共和民低〔2026〕" in one
    _, approval = parse(tmp_path / "out" / "GH001-审批通知书.html")
    assert "行政复议" not in approval and "自 2026年12月 起按月发放最低生活保障金 610.00 元" in approval
    assert "（盖章）" in approval and "签收人" in approval and "6325211" not in approval


def test_document_numbers_never_repeat_within_the_ledger(run, tmp_path):
    """A new decision gets the next number; the same decision issued again keeps its number unless the clerk
    asks for a new one (--new-number), which is then never given to anything else."""
    notices(run, tmp_path, ROSTER, *COUNTY, "-o", tmp_path / "a", "--household", "GH001", "--household", "GH002")
    notices(run, tmp_path, ROSTER, *COUNTY, "-o", tmp_path / "b", "--household", "GH001")
    notices(run, tmp_path, ROSTER, *COUNTY, "-o", tmp_path / "c", "--household", "GH001", "--new-number")
    notices(run, tmp_path, ROSTER, *COUNTY, "-o", tmp_path / "d", "--household", "GH004")
    numbers = []
    for folder in ("a", "b", "c", "d"):
        for path in sorted((tmp_path / folder).glob("GH*.html")):
            numbers.append(path.read_text(encoding="utf-8").split("共和民低〔2026〕")[1].split("号")[0])
    assert numbers == ["1", "2", "1", "3", "4"]


def test_names_are_escaped_and_file_names_stay_inside_the_folder(run, tmp_path):
    rows = [person("../../evil", "<b>马</b>", "1980-01-01", 经营净收入=1200)]
    roster = write_xlsx(tmp_path / "r.xlsx", rows)
    notices(run, tmp_path, roster, *COUNTY, "-o", tmp_path / "out")
    files = [p.name for p in (tmp_path / "out").iterdir()]
    # a household number that is not a file name as it stands gets a code from the full number (no collisions)
    assert sorted(files) == [".dibao-notices.jsonl", "evil-1361ca8c-审批通知书.html", "全部通知书.html"]
    raw = (tmp_path / "out" / "evil-1361ca8c-审批通知书.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;马&lt;/b&gt;" in raw and "<b>马</b>" not in raw


def test_existing_files_are_not_overwritten_without_force(run, tmp_path):
    notices(run, tmp_path, ROSTER, *COUNTY, "-o", tmp_path / "out", "--household", "GH001")
    again = notices(run, tmp_path, ROSTER, *COUNTY, "-o", tmp_path / "out", "--household", "GH001", code=5)
    assert "--force" in again.err


def test_explicit_kind_that_does_not_fit_is_skipped(run, tmp_path):
    out = notices(run, tmp_path, ROSTER, *COUNTY, "-o", tmp_path / "out", "--kind", "approval", "--household", "GH002")
    assert "跳过" in out.out and not (tmp_path / "out" / "GH002-审批通知书.html").exists()


def test_docx_notice_opens_in_word(run, tmp_path):
    from docx import Document

    notices(run, tmp_path, ROSTER, *COUNTY, "-o", tmp_path / "out", "--format", "docx", "--household", "GH002",
            "--household", "GH001", "--publicity-from", "2026-11-20")
    refusal = "\n".join(p.text for p in Document(tmp_path / "out" / "GH002-不予批准告知书.docx").paragraphs)
    assert "最低生活保障不予批准告知书" in refusal and "李永福" in refusal and "申请行政复议" in refusal
    assert "{{" not in refusal and "{%" not in refusal
    approval = "\n".join(p.text for p in Document(tmp_path / "out" / "GH001-审批通知书.docx").paragraphs)
    assert "自 2026年12月 起按月发放最低生活保障金 610.00 元" in approval and "申请行政复议" not in approval


def test_bureau_templates_override_and_unknown_variables_are_errors(run, tmp_path):
    assert run("templates", "copy", tmp_path / "mine").code == 0
    # the seal space and the receipt are one file shared by every notice: the bureau edits them once
    receipt = tmp_path / "mine" / "notice-receipt.html.j2"
    receipt.write_text(receipt.read_text(encoding="utf-8").replace("送达回执", "送达回执（本局格式）"), encoding="utf-8")
    notices(run, tmp_path, ROSTER, *COUNTY, "-o", tmp_path / "out", "--household", "GH001", "--templates", tmp_path / "mine")
    assert "送达回执（本局格式）" in (tmp_path / "out" / "GH001-审批通知书.html").read_text(encoding="utf-8")
    tiered = run("assistance", "notice", EXAMPLES / "tiered-roster.xlsx", *COUNTY, "--household", "TK04", "--date", DAY,
                 "-o", tmp_path / "tk.html", "--templates", tmp_path / "mine", "--db", tmp_path / "tk.db")
    assert tiered.code == 0, tiered.err
    assert "送达回执（本局格式）" in (tmp_path / "tk.html").read_text(encoding="utf-8")
    template = tmp_path / "mine" / "notice.html.j2"
    lines = template.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if "<section class=\"notice\"" in line) + 1  # inside the loop
    lines.insert(at, "{{ n.bank_account }}")
    template.write_text("\n".join(lines), encoding="utf-8")
    bad = notices(run, tmp_path, ROSTER, *COUNTY, "-o", tmp_path / "bad", "--household", "GH001", "--templates",
                  tmp_path / "mine", code=8)
    assert f"notice.html.j2 第 {at + 1} 行" in bad.err and "bank_account" in bad.err


def test_user_templates_run_in_the_sandbox(run, tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notice.html.j2").write_text("{{ notices.__class__.__mro__[1].__subclasses__() }}", encoding="utf-8")
    bad = notices(run, tmp_path, ROSTER, *COUNTY, "-o", tmp_path / "out", "--household", "GH001", "--templates",
                  tmp_path / "mine", code=8)
    assert "做了模板中不允许的操作" in bad.err, bad.err  # stopped by the sandbox, not by an undefined name


def test_publicity_has_no_private_data(run, tmp_path):
    out = run("publicity", ROSTER, *COUNTY, "--from", "2026-12-01", "--phone", "0974-8512345", "--date", DAY, "--all",
              "-o", tmp_path / "公示.html")
    assert out.code == 0
    _, text = parse(tmp_path / "公示.html")
    from dibao_cli.reading.roster import read_rosters

    roster = read_rosters([ROSTER])
    for household in roster.households.values():
        for member in household.members:
            assert member.id_number not in text and member.id_number[-6:] not in text
    for private in ("残疾", "重病", "收入", "西台村2", "身份证"):
        assert private not in text.replace("最低生活保障对象公示", "")
    assert "马建国" in text and "610.00" in text and "2026年12月1日至2026年12月7日" in text and "0974-8512345" in text
    assert run("publicity", ROSTER, *COUNTY, "--date", DAY, "-o", tmp_path / "公示.xlsx").code == 0


def two_townships():
    return [person("A1", "甲", "1950-01-01", 其他收入=600), person("A1", "乙", "2015-01-01", "孙子", seq=13),
            dict(person("B1", "丙", "1980-01-01", seq=12, 经营净收入=2400), 乡镇="倒淌河镇"),
            dict(person("B1", "丁", "1982-01-01", "配偶", seq=13, 残疾等级="二级", 残疾类别="肢体", 劳动能力="完全丧失"),
                 乡镇="倒淌河镇"),
            dict(person("B2", "戊", "1975-01-01", seq=11, 当前保障类别="低保", 当前月保障金=300, 经营净收入=6000),
                 乡镇="倒淌河镇")]


def test_monthly_report_sums_and_breakdowns(run, tmp_path):
    from openpyxl import load_workbook

    roster = write_xlsx(tmp_path / "r.xlsx", two_townships())
    out = run("report", "monthly", roster, *COUNTY, "--date", DAY, "-o", tmp_path / "月报.xlsx")
    assert out.code == 0, out.err
    book = load_workbook(tmp_path / "月报.xlsx")
    assert book.sheetnames == ["城市低保", "农村低保"]  # urban and rural reported separately; all rows here are rural
    ws = book["农村低保"]
    rows = [r for r in ws.iter_rows(values_only=True)]
    header_at = next(i for i, r in enumerate(rows) if r[0] == "乡镇")
    header = rows[header_at]
    data = {r[0]: dict(zip(header, r)) for r in rows[header_at + 1:] if r[0]}
    assert set(data) == {"倒淌河镇", "恰卜恰镇", "合计"}
    total = data.pop("合计")
    for column in header[1:]:
        if column != "月人均补助(元)":
            assert total[column] == pytest.approx(sum(r[column] for r in data.values())), column
    for r in [*data.values(), total]:
        assert r["人数"] == r["女性"] + r["男性"] == r["老年人(60岁以上)"] + r["18-59岁"] + r["未成年人"]
        assert r["人数"] == r["完全丧失劳动能力"] + r["部分丧失劳动能力"] + r["有劳动能力或未填"]
        assert r["本月合计(元)"] == pytest.approx(r["差额(元)"] + r["分类施保(元)"] + r["渐退期发放(元)"] + r["取整及保底调整(元)"])
    # 恰卜恰镇: A1 (150 元 income for 2, grandmother 76 and grandson 11): 750 + 120 = 870
    assert data["恰卜恰镇"]["本月合计(元)"] == 870 and data["恰卜恰镇"]["户数"] == 1
    assert data["倒淌河镇"]["渐退期发放(元)"] == 300 and data["倒淌河镇"]["残疾人"] == 1


def test_monthly_report_from_the_ledger_counts_new_and_exits(run, tmp_path):
    rows = two_townships()
    for month, chosen in (("2026-10", rows), ("2026-11", rows[2:])):
        write_xlsx(tmp_path / f"{month}.xlsx", chosen)
        assert run("import", tmp_path / f"{month}.xlsx", "--month", month, "--db", tmp_path / "l.db").code == 0
    out = run("report", "monthly", "--month", "2026-11", *COUNTY, "--db", tmp_path / "l.db", "-o", tmp_path / "m.html")
    assert out.code == 0, out.err
    text = (tmp_path / "m.html").read_text(encoding="utf-8")
    assert "<svg" in text and "11月" in text and "恰卜恰镇" in text  # exited township still reported
    year = run("report", "year", "--year", "2026", "--db", tmp_path / "l.db", "-o", tmp_path / "y.xlsx")
    assert year.code == 0
    from openpyxl import load_workbook

    months = [r for r in load_workbook(tmp_path / "y.xlsx")["按月"].iter_rows(min_row=3, values_only=True)]
    assert [m[0] for m in months] == ["2026-10", "2026-11", "合计"] and months[1][4] == 1  # A1 left in November
    assert isinstance(months[0][7], (int, float)) and months[2][7] == pytest.approx(months[0][7] + months[1][7])  # money as numbers


def test_households_with_errors_are_named_and_exit_1(run, tmp_path):
    out = notices(run, tmp_path, EXAMPLES / "messy-roster.xlsx", *COUNTY, "-o", tmp_path / "out", code=1)
    assert "6 户因名册错误未核算，没有包含在内" in out.out and "GH020" in out.out
    assert not (tmp_path / "out" / "GH020-不予批准告知书.html").exists()
    report = run("report", "monthly", EXAMPLES / "messy-roster.xlsx", *COUNTY, "--date", DAY, "-o", tmp_path / "m.xlsx")
    assert report.code == 1 and "因名册错误未核算" in report.out


def test_notices_from_a_ledger_month(run, tmp_path):
    """--month: the month's events decide the notice (低保 in October, above the standard in November)."""
    for month, income in (("2026-10", 3600), ("2026-11", 12000)):
        write_xlsx(tmp_path / f"{month}.xlsx", [person("H1", "才让东智", "1979-06-18", 经营净收入=income),
                                                person("H1", "拉毛措", "1982-02-28", "配偶", seq=12)])
        assert run("import", tmp_path / f"{month}.xlsx", "--month", month, "--db", tmp_path / "l.db").code == 0
    out = notices(run, tmp_path, "--month", "2026-11", *COUNTY, "-o", tmp_path / "out")
    assert "渐退告知书 1 份" in out.out.replace("最低生活保障", "")
    sections, text = parse(tmp_path / "out" / "H1-渐退告知书.html")
    assert sections == [("H1", "phase-out")]
    assert "2026年11月30日 至 2027年11月29日" in text and "每月 500.00 元" in text and "申请行政复议" in text
