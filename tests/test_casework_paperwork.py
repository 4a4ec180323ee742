"""Casework in the county's paperwork: the monthly report's signal counts, the visit sheet in Word, and the
written notice of a county decision. Real files, the real CLI, exact figures."""

from __future__ import annotations

import re

from conftest import person, pid, write_xlsx


def family(hid, township, seq):
    """A grandmother who cannot work and a grandchild: the monitor raises three signals for it."""
    return [person(hid, "奶奶" + hid, "1950-01-01", seq=seq, 乡镇=township, 劳动能力="完全丧失", 当前保障类别="低保",
                   上次核查日期="2026-06-01"),
            person(hid, "孙子" + hid, "2015-05-05", "孙子", seq=seq + 2, 乡镇=township)]


def cases(run, day):
    return {str(c["application_id"]): c for c in run("cases", "--date", day, "--format", "json").json()["cases"]}


def decide_refusal(run, app_id, day="2026-11-24", extra=()):
    for args in (("启动调查", "--date", "2026-11-12"), ("入户调查", "--date", "2026-11-13", "--by", "王芳,李强"),
                 ("信息核对", "--date", "2026-11-16"), ("乡镇审核意见", "--date", "2026-11-17")):
        out = run("step", app_id, *args)
        assert out.code == 0, out.err
    return run("step", app_id, "县级审批", "--date", day, "--result", "不予批准", *extra)


# ---------------------------------------------------------------- 1. the monthly report's casework counts
def test_monthly_report_counts_signals_raised_visited_closed_and_overdue(run, tmp_path):
    from openpyxl import load_workbook

    rows = family("H1", "恰卜恰镇", 11) + family("H2", "倒淌河镇", 21) + family("H3", "倒淌河镇", 31)
    roster = write_xlsx(tmp_path / "r.xlsx", rows)
    only_h1 = write_xlsx(tmp_path / "h1.xlsx", family("H1", "恰卜恰镇", 11))
    assert run("import", roster, "--month", "2026-11", "--date", "2026-11-30").code == 0
    # October: H1's three signals are raised (they count in October, not November)
    assert run("monitor", only_h1, "--date", "2026-10-25").code == 1
    out = run("monitor", roster, "--date", "2026-11-10", "--format", "json")
    assert out.json()["notes"][-1] == "信号已登记到台账：新发现 6 条，此前登记尚未核实 3 条（编号见 dibao visits due）。"
    # H1 is visited in November: its three signals are closed by the visit
    assert run("visit", "H1", "--date", "2026-11-20", "--by", "王芳", "--kind", "信号核实").code == 0
    # H2 applies and is refused by the county: the decision closes its three signals (no visit)
    assert run("apply", "H2", "--applicant", "奶奶H2", "--accepted", "2026-11-11", "--township", "倒淌河镇").code == 0
    assert decide_refusal(run, 1).code == 0
    # H3's three signals stay open: raised 11-10, follow-up within 15 days (11-25), overdue on 11-30

    out = run("report", "monthly", "--month", "2026-11", "--region", "632521", "-o", tmp_path / "m.xlsx")
    assert out.code == 0, out.err
    ws = load_workbook(tmp_path / "m.xlsx")["信号核实"]
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    assert values[0] == ["监测和比对信号核实情况（2026年11月1日至2026年11月30日）", None, None, None, None]
    assert values[1][0] == "注：逾期未核实：登记后 15 日内未走访核实、到 2026年11月30日 仍未关闭的信号。"
    assert values[2] == ["乡镇", "本月发现信号(条)", "本月走访核实(条)", "本月关闭(条)", "逾期未核实(条)"]
    assert values[3:] == [["倒淌河镇", 6, 0, 3, 3], ["恰卜恰镇", 0, 3, 3, 0], ["合计", 6, 3, 6, 3]]

    out = run("report", "monthly", "--month", "2026-11", "--region", "632521", "-o", tmp_path / "m.html")
    assert out.code == 0, out.err
    html = (tmp_path / "m.html").read_text(encoding="utf-8")
    section = html[html.index('<section class="casework">'):]
    assert "<h2 style=\"font-size: 14px; margin: 12px 0 4px;\">监测和比对信号核实情况（2026年11月1日至2026年11月30日）</h2>" in section
    body = section[section.index("<tbody>"):section.index("</tbody>")]
    cells = [re.findall(r"<td>([^<]*)</td>", tr) for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", body)]
    assert cells == [["倒淌河镇", "6", "0", "3", "3"], ["恰卜恰镇", "0", "3", "3", "0"], ["合计", "6", "3", "6", "3"]]

    # December: nothing raised or closed; H3's three signals are still open and overdue
    assert run("import", roster, "--month", "2026-12", "--date", "2026-12-31").code == 0
    assert run("report", "monthly", "--month", "2026-12", "--region", "632521", "-o", tmp_path / "d.xlsx").code == 0
    values = [list(r) for r in load_workbook(tmp_path / "d.xlsx")["信号核实"].iter_rows(min_row=4, values_only=True)]
    assert values == [["倒淌河镇", 0, 0, 0, 3], ["合计", 0, 0, 0, 3]]


# ---------------------------------------------------------------- 2. the visit sheet in Word
HOSTILE_VILLAGE = "西台村&<b>一社</b></w:t>"


def paragraphs(doc):
    """Every paragraph's text of a document, body and table cells in order (cells merged across columns once)."""
    out = []
    body = doc.element.body
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in body.iterchildren():
        if child.tag.endswith("}p"):
            out.append(Paragraph(child, doc).text)
        elif child.tag.endswith("}tbl"):
            for row in Table(child, doc).rows:
                seen = []
                for cell in row.cells:
                    if cell._tc not in seen:
                        seen.append(cell._tc)
                out.append(" | ".join(c.text for c in (next(x for x in row.cells if x._tc is tc) for tc in seen)))
    return out


def test_visit_sheet_in_word_one_household_per_page_masked_and_escaped(run, tmp_path):
    import docx

    rows = [person("H7", "马德", "1960-03-04", 劳动能力="部分丧失", 当前保障类别="低保", 上次核查日期="2025-10-01",
                   **{"村(社区)": HOSTILE_VILLAGE}),
            person("H7", "马兰", "1962-05-06", "配偶", seq=12, **{"村(社区)": HOSTILE_VILLAGE}),
            person("H8", "韩梅", "1950-07-08", seq=22, 劳动能力="完全丧失", 当前保障类别="低保", 上次核查日期="2026-06-01")]
    roster = write_xlsx(tmp_path / "r.xlsx", rows)
    assert run("import", roster, "--month", "2026-11", "--date", "2026-11-30").code == 0
    assert run("visit", "H7", "--date", "2026-11-02", "--by", "王芳,李强", "--kind", "定期回访").code == 0
    out = run("visits", "sheet", "H7", "H8", "--format", "docx", "-o", "入户调查表.docx", "--date", "2026-11-30")
    assert out.code == 0, out.err
    assert out.out.strip() == "已写入 入户调查表.docx：2 户入户调查表。"
    doc = docx.Document(tmp_path / "入户调查表.docx")
    text = paragraphs(doc)
    assert text.count("入户调查表") == 2  # one title per household
    assert f"恰卜恰镇{HOSTILE_VILLAGE}　　户编号：H7　　打印日期：2026年11月30日" in text
    assert "户主（申请人） | 马德 | 城乡类别 | 农村 | 当前类别 | 低保（2026年11月）" in text
    masked = pid("1960-03-04")[:6] + "********" + pid("1960-03-04")[-4:]
    assert f"马德 | 户主 | 男 | 66 | {masked} | 部分丧失 |  | " in text
    assert "马兰 | 配偶 | 女 | 64 | " + pid("1962-05-06", 12)[:6] + "********" + pid("1962-05-06", 12)[-4:] + " |  |  | " in text
    assert not any(pid("1960-03-04") in t for t in text)
    assert "2026年11月2日 | 定期回访 | 王芳、李强 | 无变化" in text
    assert "韩梅 | 户主 | 女 | 76 | " + pid("1950-07-08", 22)[:6] + "********" + pid("1950-07-08", 22)[-4:] + " | 完全丧失 |  | " in text
    assert not any("六项日常生活能力" in t for t in text)
    assert not any("{{" in t or "{%" in t for t in text)
    # exactly one page break, between the two households
    xml = doc.element.xml
    assert xml.count('w:type="page"') == 1
    assert xml.index("马德") < xml.index('w:type="page"') < xml.index("韩梅")
    # A4, 仿宋 as the East Asian font
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert 'w:eastAsia="仿宋"' in doc.styles.element.xml

    out = run("visits", "sheet", "H8", "--title", "特困入户核查表", "-o", "特困.docx", "--date", "2026-11-30")
    assert out.code == 0, out.err
    text = paragraphs(docx.Document(tmp_path / "特困.docx"))
    assert "特困入户核查表" in text and any(t.startswith("六项日常生活能力 | 自主吃饭□能□不能") for t in text)
    assert "四、生活自理能力和照料" in text
    # an existing file is not overwritten; a format that does not match the file name is refused
    assert run("visits", "sheet", "H8", "-o", "特困.docx").code == 5
    out = run("visits", "sheet", "H8", "--format", "docx", "-o", "x.html")
    assert out.code == 2 and "--format docx 与文件名 x.html 的后缀不符：请把文件名改为以 .docx 结尾。" in out.err


# ---------------------------------------------------------------- 3. a county decision writes its notice
def notice_text(path):
    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self):
            super().__init__()
            self.parts, self.skip = [], 0

        def handle_starttag(self, tag, attrs):
            self.skip += tag in ("style", "title")

        def handle_endtag(self, tag):
            self.skip -= tag in ("style", "title")

        def handle_data(self, data):
            if not self.skip and data.strip():
                self.parts.append(data.strip())

    parser = Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.parts


def prepare(run, tmp_path, hid, applicant, accepted="2026-09-29"):
    out = run("apply", hid, "--applicant", applicant, "--accepted", accepted, "--township", "恰卜恰镇", "--village", "西台村")
    assert out.code == 0, out.err
    app_id = out.out.split("已登记申请 ")[1].split("：")[0]
    for args in (("启动调查", "--date", "2026-10-09"), ("入户调查", "--date", "2026-10-10", "--by", "王芳,李强"),
                 ("信息核对", "--date", "2026-10-12"), ("乡镇审核意见", "--date", "2026-10-13"), ("公示", "--date", "2026-10-14")):
        assert run("step", app_id, *args).code == 0
    return app_id


def test_refusal_writes_the_notice_with_reasons_and_appeal_and_records_it(run, tmp_path):
    roster = write_xlsx(tmp_path / "申请名册.xlsx", [person("GH2", "李四", "1980-01-01", 工资性收入=60000),
                                                  person("GH3", "王五", "1960-01-01", seq=13, 劳动能力="完全丧失")])
    app_id = prepare(run, tmp_path, "GH2", "李四")
    assert app_id == "1"
    # the notice needs figures: without a roster and with no ledger month, nothing is recorded
    out = run("step", "1", "县级审批", "--date", "2026-10-22", "--result", "不予批准", "--notice", "告知书", "--region", "632521")
    assert out.code == 2
    assert "台账中没有户 GH2 的核算结果，无法写出不予批准告知书。请用 --roster 给出含这一户家庭情况的名册" in out.err
    assert cases(run, "2026-10-22")["1"]["next_step"] == "县级审批"
    out = run("step", "1", "县级审批", "--date", "2026-10-22", "--result", "不予批准", "--notice", "告知书",
              "--roster", roster, "--region", "632521", "--reason", "公示期间群众反映家中有经营性车辆，经核实属实。",
              "--today", "2026-10-22")
    assert out.code == 0, out.err
    assert out.out.splitlines() == [
        "已登记：申请 1 县级审批 2026-10-22。",
        "已写入 告知书/GH2-不予批准告知书.html：最低生活保障不予批准告知书（共和民低〔2026〕1号，落款日期 2026年10月22日）。",
        "已登记：申请 1 书面告知 2026-10-22（告知书打印、盖章后送达申请人，送达回执交回存档）。",
        "已办结：不予批准"]
    assert sorted(p.name for p in (tmp_path / "告知书").iterdir()) == ["GH2-不予批准告知书.html"]
    text = notice_text(tmp_path / "告知书" / "GH2-不予批准告知书.html")
    assert text[:4] == ["最低生活保障不予批准告知书", "共和民低〔2026〕1号", "李四（恰卜恰镇西台村，户编号 GH2）：",
                        "你户申请最低生活保障一事，经入户调查和信息核对，家庭月人均收入不低于当地低保标准，不符合最低生活保障条件，"
                        "决定不予批准。理由如下："]
    assert "家庭月人均收入 4,880.00 元不低于农村低保标准 400.00 元/人·月，也不低于标准的 1.5 倍（600.00 元）。" in text
    assert "公示期间群众反映家中有经营性车辆，经核实属实。" in text  # the county's reason, one full stop
    assert ("如对本决定不服，可以自收到本告知书之日起 60 日内向共和县人民政府申请行政复议，"
            "或者自收到之日起 6 个月内依法向人民法院提起行政诉讼。") in text
    assert "2026年10月22日" in text
    # the application is closed: refused, and written notice given within the deadline
    listed = run("cases", "--date", "2026-10-23", "--format", "json").json()["cases"]
    assert listed == []
    from dibao_cli.ledger import casework as store
    from dibao_cli.ledger.store import Ledger

    ledger = Ledger(tmp_path / "dibao.db")
    try:
        steps = [(s["step"], s["on_date"], s["result"], s["note"]) for s in store.steps_of(ledger, [1])[1]][-2:]
        assert steps == [("decision", "2026-10-22", "refused", ""),
                         ("refusal_notice", "2026-10-22", "", "最低生活保障不予批准告知书 共和民低〔2026〕1号（GH2-不予批准告知书.html）")]
        assert (store.application(ledger, 1)["status"], store.application(ledger, 1)["closed_on"]) == ("refused", "2026-10-22")
    finally:
        ledger.close()
    # asked again: no second notice, no second number
    again = run("step", "1", "县级审批", "--date", "2026-10-22", "--result", "不予批准", "--notice", "告知书",
                "--roster", roster, "--region", "632521")
    assert again.code == 2 and "申请 1 已于 2026-10-22 书面告知（最低生活保障不予批准告知书 共和民低〔2026〕1号" in again.err

    # an approval from the same roster: the 审批通知书 dated after the recorded 公示, in Word
    assert prepare(run, tmp_path, "GH3", "王五") == "2"
    out = run("step", "2", "县级审批", "--date", "2026-10-22", "--result", "批准", "--notice", "告知书", "--format", "docx",
              "--roster", roster, "--region", "632521", "--today", "2026-10-22")
    assert out.code == 0, out.err
    assert "已写入 告知书/GH3-审批通知书.docx：最低生活保障审批（确认）通知书（共和民低〔2026〕2号，落款日期 2026年10月22日）。" in out.out
    import docx

    body = [p.text for p in docx.Document(tmp_path / "告知书" / "GH3-审批通知书.docx").paragraphs if p.text.strip()]
    assert body[3] == ("你户申请最低生活保障一事，经入户调查、信息核对和公示（公示期 2026年10月14日至2026年10月20日），"
                       "符合最低生活保障条件，决定给予你户最低生活保障，保障人数 1 人，自 2026年11月 起按月发放最低生活保障金 460.00 元。")
    assert sorted(p.name for p in (tmp_path / "告知书").iterdir()) == ["GH2-不予批准告知书.html", "GH3-审批通知书.docx"]
    again = run("step", "2", "县级审批", "--date", "2026-10-22", "--result", "批准", "--notice", "其他", "--roster", roster,
                "--region", "632521")
    assert again.code == 2
    assert ("申请 2 的审批已出具通知书（最低生活保障审批（确认）通知书 共和民低〔2026〕2号（GH3-审批通知书.docx）），"
            "不再重复出具。") in again.err
    assert not (tmp_path / "其他").exists()


def test_refusal_notice_needs_a_reason_and_options_belong_to_the_decision(run, tmp_path):
    roster = write_xlsx(tmp_path / "r.xlsx", [person("GH3", "王五", "1960-01-01", seq=13, 劳动能力="完全丧失")])
    prepare(run, tmp_path, "GH3", "王五")
    # eligible on paper: the county's refusal must say why
    out = run("step", "1", "县级审批", "--date", "2026-10-22", "--result", "不予批准", "--notice", "o", "--roster", roster,
              "--region", "632521")
    assert out.code == 2
    assert "户 GH3 按名册核算的结果是“低保”，不能据此写出不予批准告知书。请用 --reason 写明不予批准的理由（可多次给）。" in out.err
    assert not (tmp_path / "o").exists()
    out = run("step", "1", "县级审批", "--date", "2026-10-22", "--result", "不予批准", "--notice", "o", "--roster", roster,
              "--region", "632521", "--reason", "县级入户核查发现有出租商铺收入未申报", "--reason", "拒不配合信息核对")
    assert out.code == 0, out.err
    text = notice_text(tmp_path / "o" / "GH3-不予批准告知书.html")
    assert ("你户申请最低生活保障一事，经入户调查和信息核对，发现下列情况，不符合最低生活保障条件，决定不予批准。理由如下：") in text
    assert text[text.index("县级入户核查发现有出租商铺收入未申报。") + 1] == "拒不配合信息核对。"
    assert run("step", "1", "公示", "--date", "2026-10-14", "--notice", "o").code == 2
    out = run("step", "1", "县级审批", "--date", "2026-10-22", "--result", "批准", "--reason", "x", "--notice", "p")
    assert out.code == 2 and "--reason 只用于不予批准（--result 不予批准）。" in out.err


def test_monthly_report_has_no_signal_section_without_signals(run, tmp_path):
    from openpyxl import load_workbook

    roster = write_xlsx(tmp_path / "r.xlsx", family("H1", "恰卜恰镇", 11))
    assert run("import", roster, "--month", "2026-11", "--date", "2026-11-30").code == 0
    assert run("report", "monthly", "--month", "2026-11", "--region", "632521", "-o", tmp_path / "m.xlsx").code == 0
    assert "信号核实" not in load_workbook(tmp_path / "m.xlsx").sheetnames
    assert run("report", "monthly", "--month", "2026-11", "--region", "632521", "-o", tmp_path / "m.html").code == 0
    assert 'class="casework"' not in (tmp_path / "m.html").read_text(encoding="utf-8")


def test_refusal_notice_from_the_ledgers_latest_month(run, tmp_path):
    roster = write_xlsx(tmp_path / "r.xlsx", [person("GH2", "李四", "1980-01-01", 工资性收入=60000)])
    assert run("import", roster, "--month", "2026-09", "--date", "2026-09-30").code == 0
    prepare(run, tmp_path, "GH2", "李四")
    out = run("step", "1", "县级审批", "--date", "2026-10-23", "--result", "不予批准", "--notice", "告知书", "--format", "docx",
              "--region", "632521", "--bureau", "共和县民政局", "--doc-prefix", "共民低告〔2026〕", "--today", "2026-10-23")
    assert out.code == 0, out.err
    assert "已写入 告知书/GH2-不予批准告知书.docx：最低生活保障不予批准告知书（共民低告〔2026〕1号，落款日期 2026年10月23日）。" in out.out
    import docx

    body = [p.text for p in docx.Document(tmp_path / "告知书" / "GH2-不予批准告知书.docx").paragraphs if p.text.strip()]
    assert body[:3] == ["最低生活保障不予批准告知书", "共民低告〔2026〕1号", "李四（恰卜恰镇西台村，户编号 GH2）："]
    assert "1. 家庭月人均收入 4,880.00 元不低于农村低保标准 400.00 元/人·月，也不低于标准的 1.5 倍（600.00 元）。" in body
    assert any(p.startswith("如对本决定不服，可以自收到本告知书之日起 60 日内向共和县人民政府申请行政复议") for p in body)
    assert cases(run, "2026-10-26") == {}
