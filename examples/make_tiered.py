"""Builds examples/tiered-roster.xlsx (特困供养 and 刚性支出困难家庭 beside 低保) and examples/临时救助申请.xlsx.

Run from the project root:  python examples/make_tiered.py
Fictitious people of 恰卜恰镇, 共和县 (632521), assessed on 2026-11-30 with examples/632521-共和县.toml
(which sets the prefecture's previous-year disposable income). Each household is there for a case; the
comment before it says which.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from dibao_cli.idcard import build_id  # noqa: E402

HERE = Path(__file__).resolve().parent
D = dt.date
ROSTER_HEADER = ["乡镇", "村(社区)", "户编号", "姓名", "身份证号", "与户主关系", "城乡类别", "残疾类别", "残疾等级", "重病",
                 "在校学生", "就读学段", "特困", "自理能力", "供养方式", "赡养抚养扶养人", "工资性收入", "经营净收入",
                 "财产净收入", "其他收入", "基础养老金", "基本生活支出", "医疗支出", "教育支出", "康复支出", "其他刚性支出",
                 "当前保障类别", "纳入日期", "当前月保障金"]


def pid(birth: str, seq: int) -> str:
    return build_id("632521", D.fromisoformat(birth), seq)


def member(hid, name, birth, seq, relation="户主", village="西台村", area="农村", **values):
    row = {"乡镇": "恰卜恰镇", "村(社区)": village, "户编号": hid, "姓名": name, "身份证号": pid(birth, seq),
           "与户主关系": relation, "城乡类别": area}
    row.update(values)
    return [row.get(h) for h in ROSTER_HEADER]


ROSTER = [
    # TK01: a 76-year-old 特困 (半失能) in a 低保 household: 960 + 510 a month; the son and grandchild stay 低保
    member("TK01", "马福寿", "1950-03-01", 11, 赡养抚养扶养人="无履行能力", 自理能力="半失能", 其他收入=1200, 基础养老金=2160,
           当前保障类别="低保", 当前月保障金=493),
    member("TK01", "马建军", "1980-05-05", 13, "子", 工资性收入=6000),
    member("TK01", "马小虎", "2015-06-06", 15, "孙子"),
    # TK02: a 低保 elder alone, no supporter, 全失能, moving into the county home: 低保 -> 特困 (转类), 960 + 850
    member("TK02", "韩桂英", "1945-01-01", 22, 赡养抚养扶养人="无", 自理能力="全失能", 供养方式="集中供养", 经营净收入=600,
           当前保障类别="低保", 当前月保障金=460),
    # TK03: already 特困 in town, at home, 全自理: continues, 960 + 340
    member("TK03", "李长海", "1948-07-07", 31, village="东巴村", area="城市", 特困="是", 赡养抚养扶养人="无",
           自理能力="全自理", 当前保障类别="特困"),
    # TK04: already 特困, now 6000 a year of rent (above 4800): 特困 ends; 500 a month -> 低保边缘
    member("TK04", "周玉珍", "1952-02-02", 42, 特困="是", 财产净收入=6000, 当前保障类别="特困"),
    # TK05: a 三级智力残疾 adult with no supporter able to support: 特困 at home, self-care not yet assessed
    member("TK05", "杨小军", "1990-10-10", 51, 残疾类别="智力", 残疾等级="三级", 赡养抚养扶养人="无"),
    # RG01: 刚性支出 exactly 60 %: 12000 of 20000; 10000 a head < 15000; above the 边缘 line
    member("RG01", "张德明", "1975-01-01", 61, 经营净收入=20000, 医疗支出=8000),
    member("RG01", "王秀英", "1976-01-01", 62, "配偶", 教育支出=3000, 基本生活支出=1000),
    # RG02: 刚性支出 household with a university student covered alone (单人保): 400 a month
    member("RG02", "陈国栋", "1975-04-04", 71, village="东巴村", 经营净收入=24000, 医疗支出=10400),
    member("RG02", "刘桂兰", "1976-04-04", 72, "配偶", village="东巴村", 教育支出=4000),
    member("RG02", "陈浩", "2005-09-09", 73, "子", village="东巴村", 在校学生="是", 就读学段="本科"),
    # RG03: recognised 2025-11-01, twelve months over: re-checked, still in hardship -> recognised again
    member("RG03", "赵永平", "1970-08-08", 81, 经营净收入=14000, 康复支出=9000, 其他刚性支出=1000, 当前保障类别="刚性支出",
           纳入日期=D(2025, 11, 1)),
]

ASSISTANCE_HEADER = ["户编号", "救助对象", "乡镇", "村(社区)", "城乡类别", "救助人数", "救助类型", "困难程度", "困难原因",
                     "申请金额", "申请日期", "审批结果", "审批金额", "审批日期", "审批层级", "说明", "发放日期"]
ASSISTANCE = [
    # 支出型, serious, 3 people: 400 x 5 x 3 = 6000 is above the 3200 cap; asked 5000 -> 3200, county
    ["RG01", None, "恰卜恰镇", "西台村", "农村", 3, "支出型", "严重", "重病住院", 5000, D(2026, 3, 2), "批准", None,
     D(2026, 3, 10), None, None, D(2026, 3, 15)],
    # 急难型, one person after a fire: 600 granted by the township first (limit 800)
    ["TK01", "马建军", "恰卜恰镇", "西台村", "农村", 1, "急难型", "一般", "火灾", 600, D(2026, 11, 3), "批准", None,
     D(2026, 11, 3), "乡镇先行救助", "先行救助，已报县民政局备案", D(2026, 11, 3)],
    # 支出型 for the student's fees: refused with the reason
    ["RG02", "陈浩", "恰卜恰镇", "东巴村", "农村", 1, "支出型", "一般", "子女上学", 3000, D(2026, 9, 1), "不予批准", None,
     D(2026, 9, 8), None, "已按单人保纳入低保，学费已由助学金解决", None],
    # the same cause again for RG01: approved, with a warning to review
    ["RG01", None, "恰卜恰镇", "西台村", "农村", 3, "支出型", "严重", "重病住院", 3200, D(2026, 11, 5), "批准", None,
     D(2026, 11, 12), None, None, None],
    # waiting for the county
    ["TK02", "韩桂英", "恰卜恰镇", "西台村", "农村", 1, "急难型", "严重", "意外摔伤", 1500, D(2026, 11, 20), None, None, None,
     None, None, None],
]


def save(path: Path, title: str, header: list[str], rows: list[list]) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    for column in ws.columns:
        ws.column_dimensions[column[0].column_letter].width = 14
    wb.properties.creator = "dibao"
    wb.properties.created = wb.properties.modified = dt.datetime(2026, 11, 30)
    wb.save(path)


if __name__ == "__main__":
    save(HERE / "tiered-roster.xlsx", "名册", ROSTER_HEADER, ROSTER)
    save(HERE / "临时救助申请.xlsx", "临时救助", ASSISTANCE_HEADER, ASSISTANCE)
    print("wrote examples/tiered-roster.xlsx and examples/临时救助申请.xlsx")
