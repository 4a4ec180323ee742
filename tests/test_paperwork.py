"""Documents fit to send: nothing internal on paper, the official form read back from the files, procedure
in order (approval after publicity), and notices that say why."""

import re
from html.parser import HTMLParser

from conftest import DAY, EXAMPLES, person, write_xlsx

ROSTER = EXAMPLES / "roster.xlsx"
COUNTY = ["--region", "632521", "--policy", EXAMPLES / "632521-共和县.toml", "--phone", "0974-8512345"]

# Text that must never reach a household or an auditor: internal references, markers of unconfirmed values,
# region codes, internal status codes, instructions to staff, ISO dates.
FORBIDDEN = ["seed", "[设置]", "[示例]", "设置]", "兴安盟", "赣州", "领域说明", "domain", "630000", "632521 ", "632500",
             "single_person", "phase_out", "ineligible", "marginal", "dibao", "书面告知", "应发变更通知", "须县里确认",
             "默认值", "文号待", "待填", "差额 0.00 元，分类施保 0.00", "None", "nan"]
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class Visible(HTMLParser):
    """The text a reader sees (no style, no attributes)."""

    def __init__(self):
        super().__init__()
        self.skip, self.parts = False, []

    def handle_starttag(self, tag, attrs):
        self.skip = tag in ("style", "script")

    def handle_endtag(self, tag):
        self.skip = False

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def visible(path) -> str:
    parser = Visible()
    parser.feed(path.read_text(encoding="utf-8"))
    return "".join(parser.parts)


def docx_text(path) -> str:
    from docx import Document

    document = Document(path)
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def assert_clean(name: str, text: str) -> None:
    for word in FORBIDDEN:
        assert word not in text, f"{name}: “{word}” on a printed document"
    assert not ISO_DATE.search(text), f"{name}: ISO date {ISO_DATE.search(text).group()}"


def ledger_months(run, tmp_path):
    """A ledger with two months: a new household, a change with income and members, one that vanished."""
    october = [person("H1", "才让", "1979-06-18", 经营净收入=3600), person("H1", "拉毛", "1982-02-28", "配偶", seq=12),
               person("H1", "多杰", "2012-03-01", "子女", seq=13),
               person("H2", "马福", "1960-01-01", 经营净收入=1200)]
    november = [person("H1", "才让", "1979-06-18", 经营净收入=1200), person("H1", "拉毛", "1982-02-28", "配偶", seq=12),
                person("H3", "韩梅", "1970-05-05", seq=12, 经营净收入=7000)]
    for month, rows in (("2026-10", october), ("2026-11", november)):
        write_xlsx(tmp_path / f"{month}.xlsx", rows)
        assert run("import", tmp_path / f"{month}.xlsx", "--month", month, "--db", tmp_path / "l.db").code == 0


def test_no_internal_text_on_any_document(run, tmp_path):
    """Every kind of notice (HTML and Word, roster and ledger), the publicity list and the monthly report."""
    out = run("notice", ROSTER, *COUNTY, "--date", DAY, "-o", tmp_path / "html", "--db", tmp_path / "n.db")
    assert out.code == 0, out.err
    kinds = {p.name.split("-", 1)[1].split(".")[0] for p in (tmp_path / "html").glob("GH*.html")}
    assert kinds == {"审批通知书", "不予批准告知书", "低保边缘认定告知书", "渐退告知书", "停保通知书", "变更通知书"}
    for path in (tmp_path / "html").glob("*.html"):
        assert_clean(path.name, visible(path))
    one_of_each = [a for h in ("GH001", "GH002", "GH016", "GH005", "GH004", "GH007") for a in ("--household", h)]
    out = run("notice", ROSTER, *COUNTY, "--date", DAY, "-o", tmp_path / "docx", "--format", "docx", *one_of_each,
              "--db", tmp_path / "n.db")
    assert out.code == 0, out.err
    assert len(list((tmp_path / "docx").glob("*.docx"))) == 7  # six notices and the combined print file
    for path in (tmp_path / "docx").glob("*.docx"):
        assert_clean(path.name, docx_text(path))
    ledger_months(run, tmp_path)
    out = run("notice", "--month", "2026-11", *COUNTY, "--date", DAY, "-o", tmp_path / "ledger", "--db", tmp_path / "l.db")
    assert out.code == 0, out.err
    for path in (tmp_path / "ledger").glob("*.html"):
        assert_clean(path.name, visible(path))
    assert run("publicity", ROSTER, *COUNTY, "--from", "2026-12-01", "--date", DAY, "-o", tmp_path / "p.html").code == 0
    publicity = visible(tmp_path / "p.html")
    assert_clean("公示", publicity)
    assert "周明" in publicity and "单人户" not in publicity  # the category would reveal a severe illness or disability
    assert run("report", "monthly", ROSTER, *COUNTY, "--date", DAY, "-o", tmp_path / "m.html").code == 0
    assert_clean("月报", visible(tmp_path / "m.html"))
    assert run("report", "monthly", "--month", "2026-11", *COUNTY[:4], "--db", tmp_path / "l.db", "-o", tmp_path / "ml.html").code == 0
    assert_clean("月报（台账）", visible(tmp_path / "ml.html"))
    assert run("report", "year", "--year", "2026", "--db", tmp_path / "l.db", "-o", tmp_path / "y.html").code == 0
    year = visible(tmp_path / "y.html")
    assert_clean("年度汇总", year)
    assert "2026年10月" in year and "合计" in year


def test_unconfirmed_figures_cite_the_county_document(run, tmp_path):
    out = run("notice", ROSTER, *COUNTY, "--date", DAY, "-o", tmp_path / "out", "--household", "GH002",
              "--db", tmp_path / "n.db")
    assert out.code == 0, out.err
    text = visible(tmp_path / "out" / "GH002-不予批准告知书.html")
    # the deposit limit has no provincial document: the county's own document is cited instead
    assert "依据：《社会救助暂行办法》（国务院令第649号）；《最低生活保障审核确认办法》（民发〔2021〕57号）；《共和县最低生活保障工作实施细则》。" in text
    assert "存款及金融资产 30,000.00 元，超过上限 19,200.00 元" in text and "家庭财产状况不符合规定" in text


def test_word_notice_is_a4_with_chinese_fonts_and_one_page_layout(run, tmp_path):
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    out = run("notice", ROSTER, *COUNTY, "--date", DAY, "-o", tmp_path / "out", "--format", "docx", "--household", "GH005",
              "--db", tmp_path / "n.db")
    assert out.code == 0, out.err
    document = Document(tmp_path / "out" / "GH005-渐退告知书.docx")
    section = document.sections[0]
    assert [round(x.mm) for x in (section.page_width, section.page_height)] == [210, 297]  # A4, not Letter
    assert [round(x.mm) for x in (section.left_margin, section.right_margin, section.top_margin,
                                  section.bottom_margin)] == [28, 26, 25, 15]
    normal = document.styles["Normal"]
    assert normal.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋" and normal.font.size == Pt(16)
    sizes = [run.font.size for p in document.paragraphs for run in p.runs if run.text.strip()]
    assert sizes and min(sizes) >= Pt(12)
    text = docx_text(tmp_path / "out" / "GH005-渐退告知书.docx")
    assert "渐退期内月保障金 420.00 元（按原金额发放）" in text and "差额" not in text
    assert "特此告知。" in text and "送达回执" in text.replace(" ", "") and "送达方式" in text and "签收日期" in text
    title = document.paragraphs[0].runs[0]
    assert title.font.size == Pt(22) and title.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "宋体"


def test_html_notice_has_the_official_parts(run, tmp_path):
    out = run("notice", ROSTER, *COUNTY, "--date", DAY, "-o", tmp_path / "out", "--household", "GH004",
              "--db", tmp_path / "n.db")
    assert out.code == 0, out.err
    raw = (tmp_path / "out" / "GH004-停保通知书.html").read_text(encoding="utf-8")
    assert "size: A4 portrait" in raw and "font-size: 16pt" in raw and '"仿宋_GB2312"' in raw and '"FangSong"' in raw
    sizes = [float(s) for s in re.findall(r"font-size: ([\d.]+)pt", raw)]
    assert min(s for s in sizes if s != 10.5) >= 12  # only the cut-line label is smaller
    text = visible(tmp_path / "out" / "GH004-停保通知书.html")
    assert "共和民低〔2026〕1号" in text and "赵德明（恰卜恰镇西台村，户编号 GH004）：" in text and "特此通知。" in text
    # why: the phase-out ended with income still above the standard
    assert "渐退期已满，家庭月人均收入仍不低于当地低保标准，你户已不符合最低生活保障条件" in text
    assert "渐退期 2025年10月1日 至 2026年9月30日 已满" in text
    for part in ("送达回执", "送达文书", "受送达人", "送达方式", "签收人签名", "签收日期", "送达人签名"):
        assert part in text


def test_approval_is_dated_after_the_publicity_period(run, tmp_path):
    out = run("notice", ROSTER, *COUNTY, "--date", DAY, "-o", tmp_path / "a", "--household", "GH001", "--db", tmp_path / "n.db")
    assert out.code == 0, out.err
    text = visible(tmp_path / "a" / "GH001-审批通知书.html")
    assert "2026年12月7日" in text and "自 2027年1月 起按月发放最低生活保障金 610.00 元" in text
    said = out.out.replace("\n", "")
    assert "公示期（2026年11月30日至2026年12月6日）满后" in said and "早于公示期满" in said
    assert "农村低保标准 4800 元/人·年自2021年1月1日起执行，至今已5年以上未更新" in said  # a standard years old is said
    out = run("notice", ROSTER, *COUNTY, "--date", DAY, "-o", tmp_path / "b", "--household", "GH001",
              "--publicity-from", "2026-11-20", "--db", tmp_path / "n.db")
    text = visible(tmp_path / "b" / "GH001-审批通知书.html")
    assert "2026年11月30日" in text and "自 2026年12月 起" in text and "早于公示期满" not in out.out.replace("\n", "")


def test_phase_out_notice_only_when_entering(run, tmp_path):
    rows = [person("P1", "甲", "1970-01-01", 经营净收入=12000, 当前保障类别="低保", 当前月保障金=300,
                   渐退开始日期="2026-08-01"),
            person("P2", "乙", "1971-01-01", seq=13, 经营净收入=12000, 当前保障类别="低保", 当前月保障金=300)]
    roster = write_xlsx(tmp_path / "r.xlsx", rows)
    out = run("notice", roster, *COUNTY, "--date", DAY, "-o", tmp_path / "out", "--db", tmp_path / "n.db")
    assert out.code == 0, out.err
    assert sorted(p.name for p in (tmp_path / "out").glob("P*")) == ["P2-渐退告知书.html"]


def test_marginal_household_is_told_what_it_can_get(run, tmp_path):
    out = run("notice", ROSTER, *COUNTY, "--date", DAY, "-o", tmp_path / "out", "--household", "GH016",
              "--db", tmp_path / "n.db")
    assert out.code == 0, out.err
    text = visible(tmp_path / "out" / "GH016-低保边缘认定告知书.html")
    assert "认定你户为低保边缘家庭" in text and "可以按规定申请医疗救助、临时救助等救助" in text
    assert "（600.00 元）" in text and "申请行政复议" in text


def test_ledger_change_notice_says_what_changed_and_vanished_households_are_listed(run, tmp_path):
    ledger_months(run, tmp_path)
    out = run("notice", "--month", "2026-11", *COUNTY, "--date", DAY, "-o", tmp_path / "out", "--db", tmp_path / "l.db")
    assert out.code == 0, out.err
    text = visible(tmp_path / "out" / "H1-变更通知书.html")
    flat = text.replace("\n", "")
    assert "月最低生活保障金由 960.00 元调整为 700.00 元，自 2026年12月 起执行" in flat and "申请行政复议" in flat
    assert "家庭月人均收入100.00 元50.00 元家庭共同生活人口3 人2 人保障人数3 人2 人" in flat
    marginal = visible(tmp_path / "out" / "H3-低保边缘认定告知书.html")
    assert "但低于低保边缘家庭的收入标准（600.00 元），且家庭财产状况符合规定，认定你户为低保边缘家庭" in marginal
    listed = (tmp_path / "out" / "待核实-2026-11名册中没有的户.csv").read_text(encoding="utf-8-sig").splitlines()
    assert listed[0].startswith("户编号,乡镇,村(社区),户主,上月认定") and listed[1].startswith("H2,恰卜恰镇,西台村,马福,低保,")
    assert len(listed) == 2 and "1 户上月在册、本月名册中没有" in out.out.replace("\n", "")


def test_monthly_report_separates_urban_and_rural_with_the_county_header(run, tmp_path):
    from openpyxl import load_workbook

    policy = tmp_path / "632521-共和县.toml"
    policy.write_text('[region]\ncode = "632521"\n[documents]\nstats_form_urban = "民统城1表"\nstats_form_rural = "民统农2表"\n'
                      'stats_approval = "国统制〔2024〕1号"\n', encoding="utf-8")
    rows = [person("U1", "城甲", "1950-01-01", area_type="城市", 其他收入=1200),
            person("R1", "农乙", "1950-01-01", seq=13, 其他收入=1200), person("R2", "农丙", "1980-01-01", seq=12)]
    roster = write_xlsx(tmp_path / "r.xlsx", rows)
    out = run("report", "monthly", roster, "--region", "632521", "--policy", policy, "--date", DAY, "--unit", "共和县民政局",
              "-o", tmp_path / "m.xlsx")
    assert out.code == 0, out.err
    book = load_workbook(tmp_path / "m.xlsx")
    found = {}
    for area, form in (("城市", "民统城1表"), ("农村", "民统农2表")):
        cells = [[c for c in r if c is not None] for r in book[f"{area}低保"].iter_rows(values_only=True)]
        assert cells[0] == [f"{area}最低生活保障情况统计月报（2026年11月）"]
        assert cells[1] == [f"表\u3000\u3000号：{form}", "制表机关：民政部", "批准机关及文号：国统制〔2024〕1号"]
        assert cells[2] == ["填报单位：共和县民政局", "统计期：2026年11月", "单位：户、人、元"]
        header = next(r for r in cells if r and r[0] == "乡镇")
        assert "本年累计(元，仅本月)" in header and "本年累计(元)" not in header
        ws = book[f"{area}低保"]
        assert (ws.page_setup.orientation, ws.page_setup.paperSize, ws.page_setup.fitToWidth) == ("landscape", 9, 1)
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_title_rows == "$6:$6"
        assert ws.cell(6, 1).value == "乡镇"
        total = next(r for r in cells if r and r[0] == "合计")
        found[area] = dict(zip(header, total))
        assert any("名册模式：“本年累计”一列只含本月" in str(r[0]) for r in cells if r)
    # urban U1: 640 - 100 = 540 + 96 (15 % for 60 or over) = 636; rural R1: 400 - 100 + 60 = 360, R2: 400
    assert (found["城市"]["户数"], found["城市"]["人数"], found["城市"]["本月合计(元)"]) == (1, 1, 636)
    assert (found["农村"]["户数"], found["农村"]["人数"], found["农村"]["本月合计(元)"]) == (2, 2, 760)


def test_templates_copy_also_writes_the_year_end_script_and_the_county_example(run, tmp_path):
    out = run("templates", "copy", tmp_path / "mine")
    assert out.code == 0, out.err
    from conftest import ROOT

    names = sorted(p.name for p in (tmp_path / "mine").iterdir())
    shipped = [p.name for p in (ROOT / "templates").iterdir() if p.suffix in (".j2", ".docx")]
    assert names == sorted([*shipped, "632521-共和县.toml", "year-end-review.sh"])
    assert {"notice.html.j2", "notice.docx", "monthly-report.html.j2", "year-report.html.j2"} <= set(names)
    assert (tmp_path / "mine" / "year-end-review.sh").read_bytes() == (EXAMPLES / "year-end-review.sh").read_bytes()


def test_roster_change_notice_says_what_changed_since_the_ledger_month(run, tmp_path):
    october = [person("C1", "才让", "1979-06-18", 经营净收入=2400), person("C1", "拉毛", "1982-02-28", "配偶", seq=12),
               person("C1", "多杰", "1990-03-01", "子女", seq=13)]
    write_xlsx(tmp_path / "10.xlsx", october)
    assert run("import", tmp_path / "10.xlsx", "--month", "2026-10", "--db", tmp_path / "l.db").code == 0
    november = [dict(person("C1", "才让", "1979-06-18", 经营净收入=4800), 当前保障类别="低保", 当前月保障金=1140),
                person("C1", "拉毛", "1982-02-28", "配偶", seq=12)]
    roster = write_xlsx(tmp_path / "11.xlsx", november)
    out = run("notice", roster, *COUNTY, "--date", DAY, "-o", tmp_path / "out", "--db", tmp_path / "l.db")
    assert out.code == 0, out.err
    flat = visible(tmp_path / "out" / "C1-变更通知书.html").replace("\n", "")
    # October: 2400 / 12 / 3 = 66.67 per person; November: 4800 / 12 / 2 = 200.00, (400 - 200) x 2 = 400
    assert "月最低生活保障金由 1,140.00 元调整为 400.00 元" in flat
    assert "家庭月人均收入66.67 元200.00 元家庭共同生活人口3 人2 人保障人数3 人2 人" in flat


def test_a_household_gone_from_the_roster_gets_a_termination_that_says_why(run, tmp_path):
    ledger_months(run, tmp_path)
    common = ["--month", "2026-11", *COUNTY, "--date", DAY, "--db", tmp_path / "l.db"]
    refused = run("notice", *common, "-o", tmp_path / "x", "--ground", "死亡", "--household", "H1")
    assert refused.code == 2 and "H1 不是上月在册、2026-11 名册中没有的户" in refused.err
    out = run("notice", *common, "-o", tmp_path / "out", "--ground", "死亡", "--household", "H2")
    assert out.code == 0, out.err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [".dibao-notices.jsonl", "H2-停保通知书.html",
                                                                      "全部通知书.html"]
    text = visible(tmp_path / "out" / "H2-停保通知书.html")
    assert "经核查，你户保障对象已死亡，你户已不符合最低生活保障条件，决定自 2026年12月 起停止发放" in text
    assert "马福（恰卜恰镇西台村，户编号 H2）" in text and "申请行政复议" in text
    assert_clean("停保（死亡）", text)


def test_approval_follows_the_publicity_recorded_for_the_application(run, tmp_path):
    db = tmp_path / "n.db"
    assert run("apply", "GH001", "--applicant", "马建国", "--accepted", "2026-11-02", "--date", "2026-11-02", "--db", db).code == 0
    assert run("step", "1", "公示", "--date", "2026-11-16", "--today", "2026-11-16", "--db", db).code == 0
    out = run("notice", ROSTER, *COUNTY, "--date", DAY, "-o", tmp_path / "out", "--household", "GH001", "--db", db)
    assert out.code == 0, out.err
    text = visible(tmp_path / "out" / "GH001-审批通知书.html")
    assert "经入户调查、信息核对和公示（公示期 2026年11月16日至2026年11月22日）" in text
    assert "共和县民政局2026年11月30日" in text.replace("\n", "").replace(" ", "").replace("（盖章）", "")
    assert "自 2026年12月 起按月发放" in text and "早于公示期满" not in out.out.replace("\n", "")


def test_readme_notice_and_template_examples_run_in_the_order_written(run, tmp_path):
    import shlex

    from conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = []
    for section in ("### dibao review", "### dibao notice", "### dibao templates copy"):
        block = readme.split(section, 1)[1].split("```bash", 1)[1].split("```", 1)[0]
        lines += [line.split(" #")[0].strip() for line in block.splitlines()]
    commands = [line for line in lines if line.startswith(("dibao notice 名册.xlsx", "dibao templates copy"))]
    assert len(commands) >= 6
    (tmp_path / "名册.xlsx").write_bytes(ROSTER.read_bytes())
    folders = [shlex.split(c)[shlex.split(c).index("-o") + 1] for c in commands if " -o " in c]
    assert len(folders) == len(set(folders))  # no example writes into a folder an earlier one filled
    for command in commands:
        if "--format docx" in command:
            continue  # Word output is run by the other tests; its own folder is checked above
        out = run(*shlex.split(command)[1:])
        assert out.code == 0, f"{command}: {out.err}"


def test_a_household_leaving_dibao_for_marginal_is_told_what_it_can_apply_for(run, tmp_path):
    # 2 persons, 12000 a year: 500 a month each, above 400 but below 600; phase-out already over
    rows = [person("M1", "甲", "1970-01-01", 经营净收入=12000, 当前保障类别="渐退期", 当前月保障金=300,
                   渐退开始日期="2025-06-01"),
            person("M1", "乙", "1972-01-01", "配偶", seq=12)]
    roster = write_xlsx(tmp_path / "r.xlsx", rows)
    out = run("notice", roster, *COUNTY, "--date", DAY, "-o", tmp_path / "out", "--db", tmp_path / "n.db")
    assert out.code == 0, out.err
    text = visible(tmp_path / "out" / "M1-停保通知书.html")
    assert "认定为低保边缘家庭，可以按规定申请医疗救助、临时救助等救助" in text and "（600.00 元）" in text
