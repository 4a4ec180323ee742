"""Notices of the tiered programmes, rendered from the shipped template and checked by parsing the HTML."""

import re

from conftest import DAY, EXAMPLES

COUNTY = ["--region", "632521", "--policy", EXAMPLES / "632521-共和县.toml"]


def sections(path):
    text = path.read_text(encoding="utf-8")
    return [(kind, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))
            for kind, body in re.findall(r'<section class="notice" data-household="[^"]*" data-kind="([^"]+)">(.*?)</section>',
                                         text, re.S)]


def test_tekun_and_rigid_notices_from_the_example_roster(run, tmp_path):
    out = run("assistance", "notice", EXAMPLES / "tiered-roster.xlsx", *COUNTY, "--date", DAY, "-o", tmp_path / "n.html",
              "--db", tmp_path / "l.db")
    assert out.code == 0, out.err
    found = sections(tmp_path / "n.html")
    assert [k for k, _ in found] == ["tekun-approval", "tekun-approval", "tekun-termination", "tekun-approval",
                                     "rigid-recognition", "rigid-recognition", "rigid-recognition"]
    approval = found[0][1]
    assert "共和民救〔2026〕1号" in approval and "每月供养金 1,470.00 元，发给本人" in approval
    assert "民发〔2021〕43号" in approval and "行政复议" not in approval
    termination = found[2][1]
    assert "周玉珍（恰卜恰镇西台村，户编号 TK04）： 经核查，你已不符合特困人员救助供养条件，决定自 2026年12月 起终止救助供养" in termination
    assert "本人年收入 6,000.00 元，不低于低保标准 4,800.00 元/年" in termination
    assert "60 日内向共和县人民政府申请行政复议" in termination
    assert "认定有效期 2026年11月30日至2027年11月29日" in found[4][1]
    # the 低保 notice of a household moving to 特困 is not a 停保 notice
    out = run("notice", EXAMPLES / "tiered-roster.xlsx", *COUNTY, "--household", "TK02", "--date", DAY,
              "-o", tmp_path / "dibao", "--db", tmp_path / "l.db")
    assert out.code == 0 and "没有需要出具的通知书" in out.out
    assert not (tmp_path / "dibao").exists() or list((tmp_path / "dibao").iterdir()) == []


def test_temporary_assistance_notices_from_the_register(run, tmp_path):
    db = tmp_path / "l.db"
    assert run("assistance", "import", EXAMPLES / "临时救助申请.xlsx", "--db", db).code == 0
    out = run("assistance", "notice", "--case", "2", "--case", "3", "--region", "632521", "--date", DAY,
              "-o", tmp_path / "t.html", "--db", db)
    assert out.code == 0, out.err
    (kind1, approval), (kind2, refusal) = sections(tmp_path / "t.html")
    assert (kind1, kind2) == ("temporary-approval", "temporary-refusal")
    assert "决定给予临时救助金 600.00 元。本次为急难型临时救助，按规定先行救助，未等待公示" in approval
    assert "救助金额 600.00 元" in approval
    assert "乡镇先行救助" in approval and "国发〔2014〕47号" in approval
    assert "已按单人保纳入低保" in refusal and "行政复议" in refusal
    assert run("assistance", "notice", "--case", "5", "--region", "632521", "-o", tmp_path / "x.html",
               "--db", db).code == 2  # not decided yet
    assert run("assistance", "notice", "--case", "9", "--region", "632521", "-o", tmp_path / "x.html",
               "--db", db).code == 6
    assert run("assistance", "notice", "--case", "2", "--region", "632521", "-o", tmp_path / "t.html",
               "--db", db).code == 5  # exists, no --force


def test_monthly_report_has_a_section_per_programme(run, tmp_path):
    """Ledger month 2026-11 of the example roster: 特困 分散 3 persons 2880 + 850 = 3730, 集中 1 person 960 + 850 =
    1810; 临时救助 decided in November: 急难型 1 case 1 person 600, 支出型 1 case 3 persons 3200."""
    from openpyxl import load_workbook

    db = tmp_path / "l.db"
    out = run("import", EXAMPLES / "tiered-roster.xlsx", "--month", "2026-11", *COUNTY, "--db", db)
    assert out.code == 0, out.err
    assert run("assistance", "import", EXAMPLES / "临时救助申请.xlsx", "--db", db).code == 0
    out = run("report", "monthly", "--month", "2026-11", *COUNTY, "-o", tmp_path / "m.html", "--db", db)
    assert out.code == 0, out.err
    text = (tmp_path / "m.html").read_text(encoding="utf-8")
    tables = re.findall(r'<table class="tiered" data-section="\d">(.*?)</table>', text, re.S)
    rows = [[re.findall(r"<td>([^<]*)</td>", tr) for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", t, re.S)[1:]] for t in tables]
    assert rows[0] == [["分散供养", "3", "2,880.00", "850.00", "3,730.00"], ["集中供养", "1", "960.00", "850.00", "1,810.00"],
                       ["合计", "4", "3,840.00", "1,700.00", "5,540.00"]]
    assert rows[1] == [["急难型", "1", "1", "600.00"], ["支出型", "1", "3", "3,200.00"], ["合计", "2", "4", "3,800.00"]]
    out = run("report", "monthly", "--month", "2026-11", *COUNTY, "-o", tmp_path / "m.xlsx", "--db", db)
    assert out.code == 0, out.err
    book = load_workbook(tmp_path / "m.xlsx")
    assert book.sheetnames == ["城市低保", "农村低保", "特困人员", "临时救助"]
    sheet = [[c.value for c in row] for row in book["临时救助"].iter_rows()]
    assert sheet[0][0] == "临时救助（按审批日期，每件只计一次）（2026年11月）"
    assert sheet[1][0] == "填报单位：共和县民政局　　统计期：2026年11月　　单位：人、件、元"
    assert sheet[-3:] == [["急难型", 1, 1, 600], ["支出型", 1, 3, 3200], ["合计", 2, 4, 3800]]
    assert book["临时救助"].cell(len(sheet), 4).number_format == "#,##0.00"


def test_report_year_sums_tekun_and_temporary_assistance(run, tmp_path):
    """Two ledger months of the example roster: 特困 5540 a month -> 11080 (6 + 2 person-months); 临时救助 decided in
    2026: March 3200 (3 persons), November 600 + 3200 (4 persons) -> 3 cases, 7 persons, 7000 for the year."""
    from openpyxl import load_workbook

    db = tmp_path / "l.db"
    for month in ("2026-10", "2026-11"):
        assert run("import", EXAMPLES / "tiered-roster.xlsx", "--month", month, *COUNTY, "--db", db).code == 0
    assert run("assistance", "import", EXAMPLES / "临时救助申请.xlsx", "--db", db).code == 0
    out = run("report", "year", "--year", "2026", "-o", tmp_path / "y.xlsx", "--db", db)
    assert out.code == 0, out.err
    sheet = load_workbook(tmp_path / "y.xlsx")["特困与临时救助"]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=3)]
    assert rows == [["2026-03", 0, 0, 0, 1, 3, 3200], ["2026-10", 3, 1, 5540, 0, 0, 0],
                    ["2026-11", 3, 1, 5540, 2, 4, 3800], ["合计", 6, 2, 11080, 3, 7, 7000]]
    # money is a number (it can be summed), shown with two decimals
    assert [sheet.cell(3, c).number_format for c in (4, 7)] == ["#,##0.00", "#,##0.00"]
    assert all(isinstance(r[i], (int, float)) for r in rows for i in (3, 6))


def test_tekun_publicity_lists_names_only(run, tmp_path):
    out = run("assistance", "publicity", EXAMPLES / "tiered-roster.xlsx", *COUNTY, "--date", DAY, "--from", "2026-12-01",
              "-o", tmp_path / "p.html")
    assert out.code == 0, out.err
    text = (tmp_path / "p.html").read_text(encoding="utf-8")
    villages = re.findall(r'data-village="([^"]+)"', text)
    names = re.findall(r"<tr><td>\d+</td><td>([^<]+)</td><td>特困人员救助供养</td></tr>", text)
    assert villages == ["恰卜恰镇西台村"] and names == ["杨小军", "韩桂英", "马福寿"]  # TK03 is already supported
    assert "公示期：2026年12月1日至2026年12月7日（7天）" in text
    for private in ("960", "1,810", "全失能", "智力", "6325"):
        assert private not in text


def test_a_refused_output_does_not_use_up_document_numbers(run, tmp_path):
    """文号 are numbered without gaps: a run that cannot write its file (it exists, no --force) allocates none."""
    db = tmp_path / "l.db"
    assert run("assistance", "import", EXAMPLES / "临时救助申请.xlsx", "--db", db).code == 0
    args = ("--region", "632521", "--date", DAY, "--db", db)
    assert run("assistance", "notice", "--case", "2", "-o", tmp_path / "a.html", *args).code == 0
    assert run("assistance", "notice", "--case", "2", "-o", tmp_path / "a.html", *args).code == 5
    assert run("assistance", "notice", "--case", "3", "-o", tmp_path / "b.html", *args).code == 0
    numbers = [re.findall(r"民救〔2026〕(\d+)号", (tmp_path / name).read_text(encoding="utf-8")) for name in ("a.html", "b.html")]
    assert [sorted(set(n)) for n in numbers] == [["1"], ["2"]]
