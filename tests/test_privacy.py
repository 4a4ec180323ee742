"""Public documents (the village publicity list, HTML and xlsx) reveal nothing from which health, disability
or income can be inferred: rendered from a roster full of sensitive values, only names, covered-member
counts, amounts, the category 低保 and the notice's own dates and phone appear."""

import re
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook

from conftest import DAY, household, person, write_xlsx

BUREAU_PHONE = "0974-8512345"
PHONE = "13912345678"
ADDRESS = "幸福路88号"


def sensitive_roster(path):
    contact = {"联系电话": PHONE, "家庭住址": ADDRESS}
    rows = [
        # new 低保: a seriously ill, psychiatric-disabled head with a medical bill
        person("P1", "卓玛", "1962-05-17", seq=12, 重病="是", 残疾类别="精神", 残疾等级="二级", 劳动能力="完全丧失",
               工资性收入=3217, 医疗支出=8123, 存款及金融资产=1234, **contact),
        person("P1", "扎西", "1990-08-23", "子", seq=13, 劳动能力="有", 工资性收入=4519, **contact),
        # marginal income, grade-1 disabled son: covered alone (单人户)
        person("P2", "周海龙", "1976-04-04", seq=15, 劳动能力="有", 工资性收入=14000, **contact),
        person("P2", "吴晓燕", "1978-09-09", "配偶", seq=16, 劳动能力="有", 经营净收入=3800, **contact),
        person("P2", "周明", "2001-01-15", "子", seq=17, 劳动能力="完全丧失", 残疾类别="肢体", 残疾等级="一级", **contact),
        # covered, now above the standard: enters phase-out (渐退)
        person("P3", "张有财", "1968-05-05", seq=19, 劳动能力="有", 工资性收入=14000, 当前保障类别="低保",
               当前月保障金=420, 纳入日期="2021-03-01", 上次核查日期="2025-12-10", **contact),
        person("P3", "刘春花", "1970-10-10", "配偶", seq=20, 劳动能力="有", 经营净收入=6000, **contact),
        # continuing 低保 with a 特困 elder
        person("P4", "马福", "1940-02-02", seq=21, 劳动能力="完全丧失", 特困="否", 基础养老金=2160, 当前保障类别="低保",
               当前月保障金=500, 纳入日期="2019-07-01", 上次核查日期="2026-06-01", **contact),
    ]
    return write_xlsx(path, rows)


class Text(HTMLParser):
    """Every text node and attribute value a reader or a script could see (not the stylesheet)."""

    def __init__(self):
        super().__init__()
        self.parts, self.in_style = [], False

    def handle_starttag(self, tag, attrs):
        self.in_style = tag == "style"
        self.parts += [v for k, v in attrs if v and k not in ("lang", "charset", "class")]

    def handle_endtag(self, tag):
        self.in_style = False

    def handle_data(self, data):
        if not self.in_style:
            self.parts.append(data)


def html_text(path) -> str:
    parser = Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return "\n".join(parser.parts)


def xlsx_text(path) -> str:
    book = load_workbook(path)
    parts = []
    for ws in book.worksheets:
        parts.append(ws.title)
        parts += [f"{c.value:.2f}" if "0.00" in c.number_format else str(c.value)
                  for row in ws.iter_rows() for c in row if c.value is not None]
    return "\n".join(parts)


WORDS = ("重病", "疾病", "残疾", "精神", "肢体", "一级", "二级", "单人", "特困", "渐退", "边缘", "收入", "劳动", "丧失", "医疗",
         "存款", "养老", "住址", "电话号码", "身份证", "出生", "年龄", "岁", "男", "女", "藏族", "户主姓名")


@pytest.mark.parametrize("fmt", ["html", "xlsx"])
@pytest.mark.parametrize("include_all", [False, True])
def test_public_lists_reveal_nothing_sensitive(run, tmp_path, fmt, include_all):
    roster = sensitive_roster(tmp_path / "名册.xlsx")
    data = run("assess", roster, "--region", "632521", "--date", DAY, "--format", "json").json()
    statuses = {h["household_id"]: h["status"] for h in data["households"]}
    assert statuses == {"P1": "dibao", "P2": "single_person", "P3": "phase_out", "P4": "dibao"}
    out_file = tmp_path / f"公示.{fmt}"
    out = run("publicity", roster, "--region", "632521", "--from", "2026-12-01", "--date", DAY, "--phone", BUREAU_PHONE,
              *(["--all"] if include_all else []), "-o", out_file)
    assert out.code == 0, out.err
    text = html_text(out_file) if fmt == "html" else xlsx_text(out_file)

    # What a public list shows: names, covered counts, amounts, 低保, and its own dates and phone.
    listed = {"P1": "卓玛", "P2": "周明"} | ({"P3": "张有财", "P4": "马福"} if include_all else {})
    for name in listed.values():
        assert name in text
    for name in {"扎西", "吴晓燕", "周海龙", "刘春花", "张有财", "马福"} - set(listed.values()):
        assert name not in text
    assert "低保" in text and "2026年12月1日至2026年12月7日" in text and BUREAU_PHONE in text

    # Nothing sensitive, and no figure other than the allowed ones (so nothing derived from income,
    # age or the ID number: per-capita income, deductions, 分类施保, birth dates, ID fragments).
    for word in WORDS:
        assert word not in text, word
    assert PHONE not in text and PHONE[-4:] not in text and "幸福路" not in text and "88号" not in text
    amounts = {household(data, hid)["monthly_benefit"]["total"] for hid in listed if hid != "P2"}
    amounts |= {s["total"] for s in household(data, "P2")["single_person"]}
    allowed = amounts | {str(n) for n in range(1, len(listed) + 1)} | {"2026", "12", "7", "11", "30", "0974", "8512345"}
    numbers = set(re.findall(r"\d+(?:[.,]\d+)*", text))
    assert numbers - allowed == set(), numbers - allowed
