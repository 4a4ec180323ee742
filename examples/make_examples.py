"""Builds examples/roster.xlsx and examples/messy-roster.xlsx (fictitious people, valid ID numbers).

Run from the project root:  python examples/make_examples.py
The roster is one township (恰卜恰镇) of 共和县 (632521), Qinghai, assessed at 2026-11-30 in the tests.
Every household is there for a rule; the comment after each says which.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from dibao_cli.idcard import build_id  # noqa: E402

AREA = "632521"
TOWNSHIP = "恰卜恰镇"

HEADERS = [
    "序号", "乡镇", "村(社区)", "户编号", "户主姓名", "姓名", "身份证号", "与户主关系", "性别", "出生日期", "民族",
    "城乡类别", "残疾类别", "残疾等级", "重病", "劳动能力", "在校学生", "共同生活", "脱贫户", "特困",
    "工资性收入", "经营净收入", "财产净收入", "转移净收入", "其他收入", "优待抚恤金", "计划生育奖励扶助金", "基础养老金",
    "残疾人两项补贴", "高龄津贴", "草原生态保护补助奖励", "医疗支出", "教育支出", "康复支出",
    "存款及金融资产", "机动车辆", "房产套数", "工商登记", "当前保障类别", "纳入日期", "渐退开始日期", "上次核查日期",
    "当前月保障金", "备注",
]
INCOME = ["工资性收入", "经营净收入", "财产净收入", "转移净收入", "其他收入", "优待抚恤金", "计划生育奖励扶助金",
          "基础养老金", "残疾人两项补贴", "高龄津贴", "草原生态保护补助奖励"]
EXPENSE = ["医疗支出", "教育支出", "康复支出"]

# A member: (name, relation, birth date, sex, ethnicity, options); options may hold labour, disability
# (type, grade), ill, student, co (共同生活), tekun, and income/expense items by their header.
# A household: (id, village, area type, household options, members, comment).


def m(name, relation, birth, sex, ethnicity="汉族", **options):
    return (name, relation, dt.date.fromisoformat(birth), sex, ethnicity, options)


HOUSEHOLDS = [
    ("GH001", "西台村", "农村", {"state": "无"}, [
        m("马建国", "户主", "1981-03-15", "男", "回族", labour="有", 工资性收入=6000, 经营净收入=2400),
        m("韩秀英", "配偶", "1983-07-02", "女", "回族", labour="部分丧失"),
        m("马小龙", "子", "2014-09-10", "男", "回族", labour="无", student=True),
    ], "new 低保: adjusted 7800, per capita 216.67, differential 550 + 分类施保 60 (minor)"),
    ("GH002", "西台村", "农村", {"state": "无", "deposits": 30000}, [
        m("李永福", "户主", "1975-01-20", "男", labour="有", 工资性收入=36000),
        m("王桂兰", "配偶", "1977-11-05", "女", labour="有", 经营净收入=12000),
    ], "above 1.5x the standard: 不符合"),
    ("GH003", "西台村", "农村", {"state": "渐退期", "phase_out_start": "2026-03-01", "current_benefit": 480,
                              "enrolled_on": "2022-05-01"}, [
        m("才让东智", "户主", "1979-06-18", "男", "藏族", labour="有", 工资性收入=15000, 草原生态保护补助奖励=3000),
        m("拉毛措", "配偶", "1982-02-28", "女", "藏族", labour="有", 经营净收入=4000),
        m("才让加", "子", "2009-12-01", "男", "藏族", labour="无", student=True),
    ], "in phase-out since 2026-03-01, still above the standard: keeps 480 until 2027-02-28"),
    ("GH004", "西台村", "农村", {"state": "渐退期", "phase_out_start": "2025-10-01", "current_benefit": 350,
                              "enrolled_on": "2020-04-01"}, [
        m("赵德明", "户主", "1970-08-08", "男", labour="有", 工资性收入=18000),
        m("孙玉梅", "配偶", "1972-03-03", "女", labour="有", 工资性收入=9000),
    ], "phase-out ended 2026-09-30, still above the standard: exit (停保)"),
    ("GH005", "东巴村", "农村", {"state": "低保", "current_benefit": 420, "enrolled_on": "2021-03-01",
                              "last_check": "2025-12-10"}, [
        m("张有财", "户主", "1968-05-05", "男", labour="有", 工资性收入=14000),
        m("刘春花", "配偶", "1970-10-10", "女", labour="有", 经营净收入=6000),
    ], "低保 now above the standard, no phase-out yet: phase-out starts at the assessment date"),
    ("GH006", "东巴村", "农村", {"state": "无"}, [
        m("周海龙", "户主", "1976-04-04", "男", labour="有", 工资性收入=14000),
        m("吴晓燕", "配偶", "1978-09-09", "女", labour="有", 经营净收入=3800),
        m("周明", "子", "2001-01-15", "男", labour="完全丧失", disability=("肢体", 1)),
    ], "marginal (per capita between 1 and 1.5 standards) with a grade-1 disabled son: 单人户"),
    ("GH007", "东巴村", "农村", {"state": "低保", "current_benefit": 500, "enrolled_on": "2019-07-01",
                              "last_check": "2025-11-20"}, [
        m("杨国庆", "户主", "1949-10-01", "男", labour="完全丧失", 优待抚恤金=6000, 基础养老金=2160, 高龄津贴=1200,
          经营净收入=2000),
        m("陈淑珍", "配偶", "1952-12-12", "女", labour="完全丧失", 基础养老金=2160, 计划生育奖励扶助金=960),
    ], "excluded items (抚恤金, 基础养老金, 高龄津贴, 计生奖扶) listed, not counted; both 60+"),
    ("GH008", "东巴村", "农村", {"state": "无"}, [
        m("黄志强", "户主", "1985-02-14", "男", labour="有", 工资性收入=20000),
        m("林丽", "配偶", "1987-06-30", "女", labour="有", 工资性收入=20000),
        m("黄子轩", "子", "2015-03-21", "男", labour="无", student=True),
        m("黄子涵", "女", "2018-08-18", "女", labour="无"),
    ], "two wage earners, employment deduction capped at 1440 each"),
    ("GH009", "加拉村", "农村", {"state": "无", "deposits": 100000}, [
        m("何建军", "户主", "1966-07-07", "男", labour="部分丧失", 经营净收入=3000),
        m("罗秀芳", "配偶", "1968-01-01", "女", labour="部分丧失"),
    ], "deposits over 24 months of the standard per person: 不符合 (property)"),
    ("GH010", "加拉村", "农村", {"state": "无", "lifted_out": True}, [
        m("高永红", "户主", "1972-09-19", "男", labour="有", 工资性收入=30000),
        m("郑兰英", "配偶", "1974-04-14", "女", labour="有", 经营净收入=8000),
        m("高宝山", "父亲", "1945-05-20", "男", labour="完全丧失", 基础养老金=2160),
    ], "脱贫户 above 1.5x with a member who lost the ability to work: flagged as possibly left out"),
    ("GH011", "加拉村", "农村", {"state": "无"}, [
        m("冶玛", "户主", "1950-11-11", "女", "撒拉族", labour="完全丧失", 其他收入=600, 基础养老金=2160),
    ], "single elderly woman, no ability to work, almost no income: 低保 and a 特困 candidate"),
    ("GH012", "加拉村", "农村", {"state": "无"}, [
        m("谢宗宝", "户主", "1969-12-25", "男", labour="有", 工资性收入=16000, 医疗支出=30000),
        m("邓翠兰", "配偶", "1971-06-16", "女", labour="部分丧失", ill=True, 医疗支出=18000),
    ], "large medical spending; per capita above the standard (rigid-expense deduction is off by default)"),
    ("GH013", "城东社区", "城市", {"state": "无"}, [
        m("范文杰", "户主", "1980-10-01", "男", labour="有", 工资性收入=12000),
        m("沈丽华", "配偶", "1982-12-03", "女", labour="部分丧失"),
    ], "urban household: urban standard 640/month, no employment deduction (rural only)"),
    ("GH014", "城东社区", "城市", {"state": "低保", "current_benefit": 900, "enrolled_on": "2023-01-01",
                                "last_check": "2026-01-15"}, [
        m("宋建平", "户主", "1958-03-30", "男", labour="部分丧失", 转移净收入=4800),
        m("宋国华", "兄弟", "1955-07-07", "男", labour="完全丧失", tekun=True),
        m("宋丽", "女", "1990-02-02", "女", labour="有", 工资性收入=6000),
    ], "a member already 特困 is not covered: covered members 2 of 3"),
    ("GH015", "西台村", "农村", {"state": "渐退期", "phase_out_start": "2026-06-01", "current_benefit": 300,
                              "enrolled_on": "2021-09-01"}, [
        m("罗布", "户主", "1973-02-02", "男", "藏族", labour="部分丧失", 经营净收入=5000),
        m("卓玛", "配偶", "1975-05-05", "女", "藏族", labour="有", 工资性收入=3000),
    ], "in phase-out, income below the standard again: back to 低保"),
    ("GH016", "东巴村", "农村", {"state": "无"}, [
        m("曹振华", "户主", "1983-08-08", "男", labour="有", 工资性收入=9500),
        m("曹红", "配偶", "1985-11-11", "女", labour="有", 经营净收入=5000),
    ], "marginal, nobody severely ill or disabled: 边缘"),
    ("GH017", "加拉村", "农村", {"state": "无", "vehicles": 1}, [
        m("唐立新", "户主", "1977-01-01", "男", labour="有", 经营净收入=2000),
        m("唐小凤", "女", "2012-04-04", "女", labour="无", student=True),
    ], "owns a motor vehicle: 不符合 (property)"),
    ("GH018", "加拉村", "农村", {"state": "无", "business": True}, [
        m("许国栋", "户主", "1971-10-20", "男", labour="有", 经营净收入=3000),
    ], "registered business: 不符合 (property)"),
    ("GH019", "西台村", "农村", {"state": "低保", "current_benefit": 700, "enrolled_on": "2018-06-01",
                              "last_check": "2025-12-01"}, [
        m("韩德福", "户主", "1956-04-12", "男", labour="完全丧失", 基础养老金=2160, 残疾人两项补贴=1800,
          disability=("视力", 2)),
        m("马玉兰", "配偶", "1958-08-21", "女", labour="部分丧失", 经营净收入=1200, ill=True),
    ], "低保 with 两项补贴 excluded; both 60+, disabled and ill: 分类施保 once per person"),
    ("GH020", "西台村", "农村", {"state": "无"}, [
        m("李卫东", "户主", "1988-05-05", "男", labour="有", 工资性收入=24000),
    ], "single adult earner above the standard: 不符合"),
    ("GH021", "东巴村", "农村", {"state": "低保", "current_benefit": 650, "enrolled_on": "2022-02-01",
                              "last_check": "2025-12-05"}, [
        m("王德胜", "户主", "1964-06-06", "男", labour="部分丧失", 经营净收入=4200),
        m("王小梅", "女", "2008-09-09", "女", labour="无", student=True),
        m("王小军", "子", "2006-01-30", "男", labour="无", student=True, co=False),
    ], "a son not living with the household is not counted as a member"),
    ("GH022", "东巴村", "农村", {"state": "无"}, [
        m("李春梅", "户主", "1990-09-09", "女", labour="有", 经营净收入=2400),
        m("李思源", "子", "2016-12-12", "男", labour="无", student=True),
        m("李思琪", "女", "2019-06-06", "女", labour="无"),
    ], "single mother with two children: 低保"),
    ("GH023", "加拉村", "农村", {"state": "边缘"}, [
        m("扎西", "户主", "1960-03-03", "男", "藏族", labour="部分丧失", 经营净收入=5600, 草原生态保护补助奖励=2600),
        m("央金", "配偶", "1962-07-07", "女", "藏族", labour="部分丧失", 经营净收入=1500),
    ], "pastoral subsidy counted by the province default: per capita 404.17, 边缘"),
    ("GH024", "加拉村", "农村", {"state": "无"}, [
        m("马福海", "户主", "1979-02-22", "男", "回族", labour="有", 工资性收入=9000, 经营净收入=2000),
        m("马秀花", "配偶", "1981-10-10", "女", "回族", labour="有"),
        m("马俊", "子", "2010-01-01", "男", "回族", labour="无", student=True),
        m("马丽", "女", "2012-12-12", "女", "回族", labour="无", student=True),
    ], "four members, wage earner: 低保"),
    ("GH025", "西台村", "农村", {"state": "无"}, [
        m("祁成林", "户主", "1965-11-30", "男", "土族", labour="有", 工资性收入=16000, 经营净收入=3000),
        m("李玉珍", "配偶", "1967-05-15", "女", "土族", labour="部分丧失"),
        m("祁文", "子", "1995-04-04", "男", "土族", labour="完全丧失", disability=("智力", 3)),
    ], "marginal with a grade-3 intellectual disability: 单人户"),
    ("GH026", "西台村", "农村", {"state": "无"}, [
        m("朱永强", "户主", "1974-07-17", "男", labour="有", 工资性收入=8000, 经营净收入=6000),
        m("朱兰", "配偶", "1976-03-13", "女", labour="有"),
    ], "marginal: 边缘"),
    ("GH027", "东巴村", "农村", {"state": "低保", "current_benefit": 380, "enrolled_on": "2024-04-01",
                              "last_check": "2025-10-10"}, [
        m("苏文斌", "户主", "1982-12-12", "男", labour="有", 工资性收入=5000),
        m("苏小雨", "女", "2013-03-03", "女", labour="无", student=True),
    ], "existing 低保, amount recomputed (change notice when it differs)"),
    ("GH028", "东巴村", "农村", {"state": "无"}, [
        m("甘占武", "户主", "1953-01-08", "男", "回族", labour="完全丧失", 基础养老金=2160),
        m("甘秀英", "配偶", "1955-09-19", "女", "回族", labour="完全丧失", 基础养老金=2160),
    ], "elderly couple, no income counted, nobody can work: 低保 and 特困 candidates"),
    ("GH029", "加拉村", "农村", {"state": "无"}, [
        m("索南", "户主", "1984-04-24", "男", "藏族", labour="有", 工资性收入=7200, 草原生态保护补助奖励=1800),
        m("德吉", "配偶", "1986-06-26", "女", "藏族", labour="有", 经营净收入=1200),
        m("索南才让", "子", "2011-11-11", "男", "藏族", labour="无", student=True),
    ], "herder family: 低保"),
    ("GH030", "加拉村", "农村", {"state": "无"}, [
        m("蔡国平", "户主", "1970-02-20", "男", labour="有", 经营净收入=8400),
        m("蔡秀云", "配偶", "1972-08-28", "女", labour="有", 经营净收入=6000),
        m("蔡华", "子", "1998-10-10", "男", labour="有"),
    ], "per capita exactly at the standard: not below it, 边缘"),
    ("GH031", "城东社区", "城市", {"state": "无"}, [
        m("秦海燕", "户主", "1986-01-21", "女", labour="部分丧失", 其他收入=3000, ill=True),
        m("秦朗", "子", "2012-07-07", "男", labour="无", student=True),
    ], "urban single parent, ill: 低保 with 分类施保 for both"),
    ("GH032", "东巴村", "农村", {"state": "无"}, [
        m("路长青", "户主", "1958-02-02", "男", labour="部分丧失", 经营净收入=9000),
        m("路春兰", "配偶", "1960-12-30", "女", labour="部分丧失", 经营净收入=1800),
    ], "marginal elderly couple"),
]

HOUSEHOLD_COLUMNS = {
    "state": "当前保障类别", "enrolled_on": "纳入日期", "phase_out_start": "渐退开始日期", "last_check": "上次核查日期",
    "current_benefit": "当前月保障金", "deposits": "存款及金融资产", "vehicles": "机动车辆", "business": "工商登记",
    "lifted_out": "脱贫户",
}


def rows():
    """The roster rows (header order), with ID numbers as text."""
    sequence = {}
    out = []
    number = 0
    for hid, village, area, hopts, members, _comment in HOUSEHOLDS:
        head_name = members[0][0]
        for name, relation, birth, sex, ethnicity, o in members:
            number += 1
            key = (birth, sex)
            sequence[key] = sequence.get(key, 0) + 1
            seq = sequence[key] * 2 + (1 if sex == "男" else 0) + 10  # odd for men, even for women
            row = {h: None for h in HEADERS}
            row.update({
                "序号": number, "乡镇": TOWNSHIP, "村(社区)": village, "户编号": hid, "户主姓名": head_name, "姓名": name,
                "身份证号": build_id(AREA, birth, seq), "与户主关系": relation, "性别": sex, "出生日期": birth,
                "民族": ethnicity, "城乡类别": area, "劳动能力": o.get("labour"), "重病": "是" if o.get("ill") else "否",
                "在校学生": "是" if o.get("student") else "否", "共同生活": "否" if o.get("co") is False else "是",
                "脱贫户": "是" if hopts.get("lifted_out") else "否", "特困": "是" if o.get("tekun") else "否",
                "房产套数": 1, "机动车辆": 0, "工商登记": "否", "存款及金融资产": 0,
            })
            if "disability" in o:
                row["残疾类别"], grade = o["disability"]
                row["残疾等级"] = "一二三四"[grade - 1] + "级"
            for item in INCOME + EXPENSE:
                if item in o:
                    row[item] = o[item]
            for key2, header in HOUSEHOLD_COLUMNS.items():
                if key2 in hopts:
                    value = hopts[key2]
                    if key2 in ("enrolled_on", "phase_out_start", "last_check"):
                        value = dt.date.fromisoformat(value)
                    elif isinstance(value, bool):
                        value = "是" if value else "否"
                    row[header] = value
            out.append(row)
    return out


def write_clean(path: Path) -> None:
    workbook = Workbook()
    ws = workbook.active
    ws.title = "恰卜恰镇"
    ws.append([f"共和县{TOWNSHIP}最低生活保障对象及申请家庭名册（2026年11月）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(HEADERS)
    for row in rows():
        ws.append([row[h] for h in HEADERS])
    for r in range(3, ws.max_row + 1):
        ws.cell(row=r, column=HEADERS.index("身份证号") + 1).number_format = "@"
        for name in ("出生日期", "纳入日期", "渐退开始日期", "上次核查日期"):
            ws.cell(row=r, column=HEADERS.index(name) + 1).number_format = "yyyy-mm-dd"
    ws.append([])
    ws.append(["注：本表由各村委会填报，乡镇审核。收入为近12个月合计（元）。"])
    ws.freeze_panes = "A3"
    workbook.save(path)


TRADITIONAL = {"与户主关系": "與戶主關係", "残疾等级": "殘疾等級", "劳动能力": "勞動能力", "户编号": "戶編號",
               "当前保障类别": "當前保障類別", "身份证号": "公民身份號碼"}
FULL_WIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")


def write_messy(path: Path) -> None:
    """The same households as staff damage them; `dibao check` must report each damage."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = "名册"
    ws.append(["共和县恰卜恰镇低保名册"])
    ws.append(["填报单位：恰卜恰镇人民政府", None, None, None, "填报日期：2026年11月"])
    income_start = HEADERS.index("工资性收入")
    income_end = HEADERS.index("草原生态保护补助奖励")
    top, bottom = [], []
    for index, header in enumerate(HEADERS):
        shown = TRADITIONAL.get(header, header)
        if income_start <= index <= income_end:
            top.append("收入情况（元/年）" if index == income_start else None)
            bottom.append(shown)
        else:
            top.append(shown)
            bottom.append(None)
    ws.append(top)
    ws.append(bottom)
    ws.merge_cells(start_row=3, start_column=income_start + 1, end_row=3, end_column=income_end + 1)
    for index, header in enumerate(HEADERS):
        if not (income_start <= index <= income_end):
            ws.merge_cells(start_row=3, start_column=index + 1, end_row=4, end_column=index + 1)
    data = rows()
    # damage 1: a member entered twice (GH008's daughter)
    duplicate = next(i for i, r in enumerate(data) if r["姓名"] == "黄子涵")
    data.insert(duplicate + 1, dict(data[duplicate]))
    r = 5
    household_start: dict[str, int] = {}
    household_end: dict[str, int] = {}
    for row in data:
        values = []
        for header in HEADERS:
            value = row[header]
            if header == "身份证号" and row["姓名"] in ("周海龙", "冶玛"):
                value = float(value[:-1] + "0") if value[-1] != "X" else float(value[:-1] + "0")  # damage 2
            elif header == "工资性收入" and isinstance(value, int) and row["户编号"] == "GH001":
                value = str(value).translate(FULL_WIDTH)  # cleaned silently: full-width digits
            elif header == "经营净收入" and isinstance(value, int) and row["户编号"] == "GH002":
                value = f"{value:,}.00"  # cleaned silently: "12,000.00" as text
            elif header in ("出生日期",) and row["户编号"] == "GH003":
                value = f"{value.year}年{value.month}月{value.day}日"  # cleaned silently: Chinese date text
            values.append(value)
        if row["户编号"] == "GH020":
            values[HEADERS.index("身份证号")] = values[HEADERS.index("身份证号")][:-1] + (
                "1" if values[HEADERS.index("身份证号")][-1] != "1" else "2")  # damage 3: wrong check digit
        if row["户编号"] == "GH016" and row["与户主关系"] != "户主":
            pass
        if row["姓名"] == "曹红":
            values[HEADERS.index("户编号")] = None  # damage 4: member without 户编号
        if row["姓名"] == "朱兰":
            values[HEADERS.index("当前保障类别")] = "低保"  # damage 5: household values disagree
        if row["姓名"] == "苏小雨":
            values[HEADERS.index("出生日期")] = dt.date(2013, 3, 4)  # damage 6: birth date differs from the ID
        ws.append(values)
        hid = row["户编号"]
        household_start.setdefault(hid, r)
        household_end[hid] = r
        r += 1
    # 户编号 merged down each household (as clerks do); 曹红's blank cell is outside the merge
    hid_col = HEADERS.index("户编号") + 1
    for hid, start in household_start.items():
        end = household_end[hid]
        if end > start and hid != "GH016":
            ws.merge_cells(start_row=start, start_column=hid_col, end_row=end, end_column=hid_col)
    ws.append([])
    ws.append(["填表人：张三", None, None, "审核人：李四"])
    workbook.save(path)


if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    write_clean(here / "roster.xlsx")
    write_messy(here / "messy-roster.xlsx")
    print("wrote", here / "roster.xlsx", here / "messy-roster.xlsx")
