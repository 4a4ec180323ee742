"""The tiered documents (特困供养, 临时救助, 刚性支出困难家庭) on paper: the same official form as the 低保 notice,
nothing internal, no ISO dates, no region codes, and nothing on the public 特困 list from which health or
disability can be inferred. Every kind is rendered from the shipped examples."""

import re

from conftest import DAY, EXAMPLES
from test_paperwork import assert_clean, visible

COUNTY = ["--region", "632521", "--policy", EXAMPLES / "632521-共和县.toml", "--phone", "0974-8512345"]
TIERED = EXAMPLES / "tiered-roster.xlsx"
# a six-digit number standing alone (a region code such as 632521 or 630000); phone numbers and amounts are longer
# or carry separators
REGION_CODE = re.compile(r"(?<![\d,.\-])\d{6}(?![\d,.])")
# what an engine's or a clerk's working text looks like, and must not reach a household
INTERNAL = ["差额", "分类施保", "名册", "待评估（", "须县里确认", "默认值", "标准出处", "= ", " + ", "%（规定"]


def sections(path) -> dict[str, list[str]]:
    """Visible text of each notice, by kind."""
    raw = path.read_text(encoding="utf-8")
    out: dict[str, list[str]] = {}
    for kind, body in re.findall(r'<section class="notice" data-household="[^"]*" data-kind="([^"]+)">(.*?)</section>',
                                 raw, re.S):
        out.setdefault(kind, []).append(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))
    return out


def check(name: str, text: str) -> None:
    assert_clean(name, text)
    assert not REGION_CODE.search(text), f"{name}: region code {REGION_CODE.search(text).group()}"


def tiered_notices(run, tmp_path):
    db = tmp_path / "l.db"
    out = run("assistance", "notice", TIERED, *COUNTY, "--date", DAY, "-o", tmp_path / "n.html", "--db", db)
    assert out.code == 0, out.err
    assert run("assistance", "import", EXAMPLES / "临时救助申请.xlsx", "--db", db).code == 0
    out = run("assistance", "notice", "--case", "1", "--case", "2", "--case", "3", *COUNTY, "--date", DAY,
              "-o", tmp_path / "t.html", "--db", db)
    assert out.code == 0, out.err
    return tmp_path / "n.html", tmp_path / "t.html"


def test_every_tiered_notice_is_in_the_official_form_and_clean(run, tmp_path):
    roster_file, case_file = tiered_notices(run, tmp_path)
    found = sections(roster_file) | sections(case_file)
    assert sorted(found) == ["rigid-recognition", "tekun-approval", "tekun-termination", "temporary-approval",
                             "temporary-refusal"]
    assert [len(found[k]) for k in sorted(found)] == [3, 3, 1, 2, 1]
    for path in (roster_file, case_file):
        check(path.name, visible(path))
        raw = path.read_text(encoding="utf-8")
        # the 低保 notice's style: A4, 仿宋 with fallbacks, body 16pt, nothing below 12pt but the cut-line label
        assert "size: A4 portrait" in raw and "font-size: 16pt" in raw and '"仿宋_GB2312"' in raw and '"FangSong"' in raw
        sizes = [float(s) for s in re.findall(r"font-size: ([\d.]+)pt", raw)]
        assert min(s for s in sizes if s != 10.5) >= 12
        assert not re.search(r"font-size: [\d.]+px", raw)
    numbers = []
    for kind, texts in found.items():
        for text in texts:
            for word in INTERNAL:
                assert word not in text, f"{kind}: “{word}”"
            numbers += re.findall(r"共和民救〔2026〕(\d+)号", text)[:1]
            closing = "特此告知。" if kind == "temporary-refusal" else "特此通知。"
            assert closing in text, kind
            assert "（盖章） 共和县民政局 2026年11月30日" in text, kind
            for part in ("送达回执", "送达文书", "受送达人", "送达方式", "签收人签名", "签收日期", "送达人签名"):
                assert part in text, (kind, part)
            adverse = kind in ("tekun-termination", "temporary-refusal")
            assert ("60 日内向共和县人民政府申请行政复议" in text) == adverse, kind
            assert ("6 个月内依法向人民法院提起行政诉讼" in text) == adverse, kind
            assert "依据：《社会救助暂行办法》（国务院令第649号）" in text, kind
    assert sorted(map(int, numbers)) == list(range(1, 11))  # every notice numbered once, with 〔〕


def test_tiered_notices_say_what_the_household_must_know(run, tmp_path):
    roster_file, case_file = tiered_notices(run, tmp_path)
    found = sections(roster_file) | sections(case_file)
    first = found["tekun-approval"][0]
    assert "马福寿（恰卜恰镇西台村，户编号 TK01）：" in first
    assert "决定给予特困人员救助供养，自 2026年12月 起按月发放救助供养金" in first
    assert "属于无劳动能力的情形：60周岁以上。" in first
    assert "无生活来源：本人年收入 1,200.00 元，低于当地低保标准 4,800.00 元/年，财产状况符合规定。" in first
    assert "法定赡养、抚养、扶养义务人无履行义务能力。" in first
    assert "每月供养金 1,470.00 元，发给本人" in first
    assert "《特困人员认定办法》（民发〔2021〕43号）" in first and "（国发〔2016〕14号）" in first
    # self-care not yet assessed: the household is told so, not the clerk's note about the roster
    assert "照料护理标准待生活自理能力评估后确定，评估后另行通知。" in found["tekun-approval"][2]
    ended = found["tekun-termination"][0]
    assert "你已不符合特困人员救助供养条件，决定自 2026年12月 起终止救助供养" in ended
    assert "本人年收入 6,000.00 元，不低于低保标准 4,800.00 元/年。" in ended
    rigid = found["rigid-recognition"]
    assert "近12个月家庭刚性支出占家庭收入的 60.00%，不低于规定的 60%。" in rigid[0]
    assert "认定有效期 2026年11月30日至2027年11月29日" in rigid[0]
    assert "陈浩（在校大学生，本科）参照单人户纳入最低生活保障，月保障金 400.00 元。" in rigid[1]
    assert "经入户调查和信息核对，你户符合刚性支出困难家庭条件" in rigid[0]
    assert "你户刚性支出困难家庭认定有效期已满，经复核仍符合条件，继续认定为 刚性支出困难家庭" in rigid[2]  # RG03
    # the county has not confirmed its disposable-income figure: its own document is cited, not the draft source
    assert "《共和县最低生活保障工作实施细则》" in rigid[0] and "统计公报" not in rigid[0]
    household_case, urgent = found["temporary-approval"]
    assert "户主（恰卜恰镇西台村，户编号 RG01）：" in household_case and "你户申请临时救助一事" in household_case
    assert "决定给予临时救助金 3,200.00 元。" in household_case and "未等待公示" not in household_case
    assert ("决定给予临时救助金 600.00 元。本次为急难型临时救助，按规定先行救助，未等待公示，事后补齐审核审批手续。"
            in urgent)
    assert "（民发〔2018〕23号）" in urgent and "《民政部 财政部 国务院扶贫办关于进一步加强和改进临时救助工作的意见》" in urgent
    refusal = found["temporary-refusal"][0]
    assert "陈浩（恰卜恰镇东巴村，户编号 RG02）：" in refusal and "决定不予批准。理由如下： 已按单人保纳入低保" in refusal
    # the clerk's reason keeps its Chinese punctuation (a free-text cell is not folded to half-width)
    assert "已按单人保纳入低保，学费已由助学金解决" in refusal


def test_tekun_publicity_is_clean_and_reveals_no_health(run, tmp_path):
    out = run("assistance", "publicity", TIERED, *COUNTY, "--date", DAY, "--from", "2026-12-01", "-o", tmp_path / "p.html")
    assert out.code == 0, out.err
    text = visible(tmp_path / "p.html")
    check("特困公示", text)
    assert "杨小军" in text and "韩桂英" in text and "马福寿" in text
    # no amount (the care standard would tell the level of self-care), no mode (集中供养 often means 失能), no ages
    for private in ("残疾", "智力", "失能", "自理", "照料", "集中供养", "分散供养", "元", "周岁", "重病", "TK0"):
        assert private not in text, private
    raw = (tmp_path / "p.html").read_text(encoding="utf-8")
    assert "size: A4 portrait" in raw and "（盖章）" in text and "恰卜恰镇人民政府" in text


def test_monthly_and_year_reports_with_tiered_parts_are_clean(run, tmp_path):
    from openpyxl import load_workbook

    db = tmp_path / "l.db"
    for month in ("2026-10", "2026-11"):
        assert run("import", TIERED, "--month", month, *COUNTY[:4], "--db", db).code == 0
    assert run("assistance", "import", EXAMPLES / "临时救助申请.xlsx", "--db", db).code == 0
    out = run("report", "monthly", "--month", "2026-11", *COUNTY[:4], "--filled-by", "张三", "-o", tmp_path / "m.html",
              "--db", db)
    assert out.code == 0, out.err
    text = visible(tmp_path / "m.html")
    check("月报", text)
    raw = (tmp_path / "m.html").read_text(encoding="utf-8")
    tiered = raw.split('data-area="分层分类救助"', 1)[1]  # its own page, after the 低保 tables and chart
    assert "break-before: page" in raw.split('data-area="分层分类救助"', 1)[0].rsplit("<section", 1)[1] + tiered[:80]
    assert "<svg" not in tiered
    flat = re.sub(r"\s+", "", re.sub(r"<[^>]+>", " ", tiered))
    assert "特困人员救助供养和临时救助情况统计月报填报单位：共和县民政局统计期：2026年11月单位：人、件、元" in flat
    assert "填表人：张三审核人：＿＿＿＿填报日期：" in flat
    for name in ("m.xlsx", "y.xlsx"):
        command = (["report", "monthly", "--month", "2026-11", *COUNTY[:4]] if name == "m.xlsx"
                   else ["report", "year", "--year", "2026"])
        out = run(*command, "-o", tmp_path / name, "--db", db)
        assert out.code == 0, out.err
    book = load_workbook(tmp_path / "m.xlsx")
    for sheet in ("特困人员", "临时救助"):
        cells = "\n".join(str(c.value) for row in book[sheet].iter_rows() for c in row if c.value is not None)
        check(sheet, cells)
        assert book[sheet].page_setup.paperSize == 9  # A4
    year = load_workbook(tmp_path / "y.xlsx")["特困与临时救助"]
    cells = "\n".join(str(c.value) for row in year.iter_rows() for c in row if c.value is not None)
    check("年度汇总：特困与临时救助", cells)
    assert year.page_setup.paperSize == 9 and year.print_title_rows
