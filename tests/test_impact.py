"""`dibao impact` on real roster files through the real CLI, with figures computed by hand.

Policy on 2026-11-30 (pinned in a county file, see PINNED): rural standard 4800 yuan/person/year = 400/month,
低保边缘 below 1.5 x the standard, 分类施保 15 % of the standard, rounding to the yuan, no minimum. Everyone is
aged 26-46 (no 老年/未成年 分类施保) and has only 经营净收入 (no employment deduction).

    M1  2 persons, 10800/year  -> 450.00/month: 低保边缘 (400 <= 450 < 600)
    P1  2 persons, 11520/year  -> 480.00/month, currently 低保 paid 30: 渐退期 at 30.00
    D1  1 person,   2400/year  -> 200.00/month: 低保 (400 - 200) x 1 = 200.00
    S1  2 persons, 11400/year  -> 475.00/month: 低保边缘; the second member, 一级 disabled with no income,
        is covered as a 单人户: 400 + 分类施保 400 x 0.15 = 460.00
    I1  1 person,  12000/year  -> 1000.00/month: 不符合

Reform: rural standard 6000/year = 500/month (边缘 line 750).

    M1  450 < 500 -> 低保: (500 - 450) x 2 = 100.00                 (+100)
    P1  480 < 500 -> 低保 again: (500 - 480) x 2 = 40.00            (+10)
    D1  (500 - 200) x 1 = 300.00                                   (+100)
    S1  475 < 500 -> the whole household is 低保: (500 - 475) x 2 = 50 + 分类施保 75 = 125.00   (-335: listed)
    I1  1000 >= 750: still 不符合

    Before: 差额 600 (D1 200 + S1 400), 分类施保 60, 渐退 30, total 690.00/month, 8280.00/year
    After:  差额 490 (100 + 40 + 300 + 50), 分类施保 75, total 565.00/month, 6780.00/year
    Delta: -125.00/month = +100 + 10 + 100 - 335; -1500.00/year
"""

import re
from html.parser import HTMLParser

from openpyxl import load_workbook

from conftest import DAY, person, write_xlsx

REFORM = ["--set", "rural_standard_annual=6000"]
# The values the figures below depend on, pinned in a county file (dibao.toml in the working folder) so that a
# later update of the built-in province file does not change them.
PINNED = {"rural_standard_annual": 4800, "marginal_multiplier": '"1.5"', "classified_share": '"0.15"',
          "classified_categories": '["重度残疾", "重病", "老年", "未成年"]', "classified_elderly_age": 60,
          "classified_minor_age": 18, "classified_disability_grades": "[1, 2]", "single_person_disability_grades": "[1, 2]",
          "minimum_monthly_benefit": 0, "rounding": '"元"', "phase_out_months": 12}


def pin_policy(folder):
    lines = ['[region]', 'code = "632521"']
    for name, value in PINNED.items():
        lines += [f"[parameters.{name}]", f'"2026-01-01" = {{ value = {value}, source = "测试县政策" }}']
    (folder / "现行.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "dibao.toml").write_text('region = "632521"\npolicy = ["现行.toml"]\n', encoding="utf-8")


def roster(tmp_path, extra=()):
    west = {"乡镇": "倒淌河镇", "村(社区)": "黄河村"}
    rows = [
        person("M1", "马一", "1980-03-01", 经营净收入=5400),
        person("M1", "马二", "1982-05-01", "配偶", seq=12, 经营净收入=5400),
        person("P1", "彭一", "1980-03-02", 经营净收入=11520, 当前保障类别="低保", 当前月保障金=30),
        person("P1", "彭二", "1982-05-02", "配偶", seq=12, 当前保障类别="低保"),
        person("D1", "丁一", "1985-01-01", 经营净收入=2400, **west),
        person("S1", "石一", "1978-02-02", 经营净收入=11400, **west),
        person("S1", "石二", "1990-07-07", "子", seq=13, 残疾类别="肢体", 残疾等级="一级", **west),
        person("I1", "伊一", "1988-08-08", 经营净收入=12000, **west),
        *extra,
    ]
    pin_policy(tmp_path)
    return write_xlsx(tmp_path / "名册.xlsx", rows)


def impact(run, *args, code=0):
    out = run("impact", *args, "--date", DAY)
    assert out.code == code, out.out + out.err
    return out


def by_id(items):
    return {h["household_id"]: h for h in items}


def test_raising_the_rural_standard_hand_computed(run, tmp_path):
    data = impact(run, roster(tmp_path), *REFORM, "--format", "json").json()
    assert data["date"] == DAY and data["effective"] == DAY and data["policy"]["region"] == "632521"
    assert data["households"] == 5 and data["members"] == 8 and data["left_out"] == 0
    assert data["current"] == {"households": 3, "persons": 4, "differential": "600.00", "classified": "60.00",
                               "phase_out": "30.00", "adjustment": "0.00", "monthly": "690.00", "annual": "8280.00",
                               "unknown": 0}
    [alt] = data["alternatives"]
    assert alt["name"] == "农村低保标准=6000"
    assert alt["changes"] == [{"parameter": "rural_standard_annual", "label": "农村低保标准", "before": "4800 元/人·年",
                               "after": "6000 元/人·年", "source": "测算方案（--set rural_standard_annual=6000）"}]
    assert alt["budget"] == {"households": 4, "persons": 7, "differential": "490.00", "classified": "75.00",
                             "phase_out": "0.00", "adjustment": "0.00", "monthly": "565.00", "annual": "6780.00",
                             "unknown": 0, "monthly_delta": "-125.00", "annual_delta": "-1500.00", "entered": 1,
                             "left": 0, "rises": 3, "decreases": 1}
    households = by_id(alt["households"])
    # the marginal household comes into 低保; the phase-out household is kept in 低保
    assert (households["M1"]["before"]["status"], households["M1"]["after"]["status"]) == ("marginal", "dibao")
    assert (households["M1"]["before"]["monthly_benefit"], households["M1"]["after"]["monthly_benefit"]) == ("0.00", "100.00")
    assert (households["P1"]["before"]["status"], households["P1"]["after"]["status"]) == ("phase_out", "dibao")
    assert (households["P1"]["before"]["monthly_benefit"], households["P1"]["after"]["monthly_benefit"]) == ("30.00", "40.00")
    assert "本次进入渐退期：2026-11-30 至 2027-11-29（12 个月），期间按原金额发放" in households["P1"]["before"]["reasons"]
    assert households["P1"]["after"]["reasons"] == "家庭月人均收入 480.00 元低于农村低保标准 500.00 元/人·月"
    assert "低于标准的 1.5 倍" in households["M1"]["before"]["reasons"]
    assert "家庭月人均收入 450.00 元低于农村低保标准 500.00 元/人·月" in households["M1"]["after"]["reasons"]
    assert households["D1"]["monthly_delta"] == "100.00" and households["D1"]["annual_delta"] == "1200.00"
    assert "I1" not in households and set(households) == {"M1", "P1", "D1", "S1"}
    # the budget delta is the sum of the household deltas
    deltas = sum(int(h["monthly_delta"].replace(".", "")) for h in alt["households"])
    assert deltas == -12500 == int(alt["budget"]["monthly_delta"].replace(".", ""))
    # the 单人户 whose household now qualifies as a whole gets less: it is listed, with both reasons
    [fall] = alt["decreases"]
    assert fall["household_id"] == "S1" and fall["monthly_delta"] == "-335.00" and fall["annual_delta"] == "-4020.00"
    assert (fall["before"]["status_label"], fall["before"]["monthly_benefit"]) == ("单人户", "460.00")
    assert (fall["after"]["status_label"], fall["after"]["monthly_benefit"]) == ("低保", "125.00")
    assert "石二（肢体一级残疾）按单人户纳入" in fall["before"]["reasons"]
    assert fall["after"]["covered_members"] == 2 and fall["before"]["covered_members"] == 1
    transitions = {(t["from"], t["to"]): (t["households"], t["persons"]) for t in alt["transitions"]}
    assert transitions == {("dibao", "dibao"): (1, 1), ("single_person", "dibao"): (1, 2), ("phase_out", "dibao"): (1, 2),
                           ("marginal", "dibao"): (1, 2), ("ineligible", "ineligible"): (1, 1)}
    towns = {t["township"]: t for t in alt["townships"]}
    assert list(towns) == ["倒淌河镇", "恰卜恰镇", "合计"]
    assert towns["恰卜恰镇"]["before"]["monthly"] == "30.00" and towns["恰卜恰镇"]["before"]["phase_out"] == "30.00"
    assert towns["恰卜恰镇"]["after"]["monthly"] == "140.00" and towns["恰卜恰镇"]["monthly_delta"] == "110.00"
    assert towns["倒淌河镇"]["before"]["monthly"] == "660.00" and towns["倒淌河镇"]["after"]["monthly"] == "425.00"
    assert towns["倒淌河镇"]["annual_delta"] == "-2820.00" and towns["合计"]["annual_delta"] == "-1500.00"
    assert towns["合计"]["after"]["persons"] == 7 and towns["倒淌河镇"]["after"]["persons"] == 3


def test_terminal_report_lists_the_decrease_first(run, tmp_path):
    out = impact(run, roster(tmp_path), *REFORM)
    text = out.out
    assert "农村低保标准：4800 元/人·年 → 6000 元/人·年" in text
    assert "月保障金减少的户（1 户）" in text
    assert text.index("月保障金减少的户") < text.index("状态变化") < text.index("分乡镇月保障金")
    assert "-335.00" in text and "-125.00" in text and "-1500.00" in text and "690.00" in text and "565.00" in text
    assert not re.search(r"\d{17}[\dX]", text)  # no ID numbers on screen


def test_alternatives_and_grid_one_line_each(run, tmp_path):
    path = roster(tmp_path)
    grid = impact(run, path, "--grid", "rural_standard_annual=5400:6600:600", "--format", "json").json()
    lines = [(a["name"], a["budget"]["monthly"], a["budget"]["monthly_delta"], a["budget"]["decreases"])
             for a in grid["alternatives"]]
    # 5400 -> 450/month: M1 (450, not below 450) stays 边缘; P1 (480) stays 渐退期 at 30; D1 450 - 200 = 250;
    #   S1 (475) stays 边缘 with its 单人户 450 + 67.50 = 517.50 -> 518 (rounded once, half up): 798, +108
    # 6000 -> as in the first test; 6600 -> 550/month: M1 (550 - 450) x 2 = 200, P1 (550 - 480) x 2 = 140,
    #   D1 350, S1 (550 - 475) x 2 = 150 + 82.50 = 232.50 -> 233 (down from 460): 923, +233
    assert lines == [("农村低保标准=5400", "798.00", "108.00", 0),
                     ("农村低保标准=6000", "565.00", "-125.00", 1),
                     ("农村低保标准=6600", "923.00", "233.00", 1)]
    reform_a = tmp_path / "a.toml"
    reform_a.write_text('[region]\ncode = "630000"\n[parameters.marginal_multiplier]\n'
                        '"2026-01-01" = { value = 2, source = "方案甲" }\n', encoding="utf-8")
    reform_b = tmp_path / "b.toml"
    reform_b.write_text('[region]\ncode = "630000"\n[parameters.classified_share]\n'
                        '"2026-01-01" = { value = "0.2", source = "方案乙" }\n', encoding="utf-8")
    both = impact(run, path, "--policy", reform_a, "--policy", reform_b, "--format", "json").json()
    a, b = both["alternatives"]
    assert (a["name"], b["name"]) == ("a", "b")
    # marginal line 800: I1 (1000) stays 不符合; nothing else moves
    assert a["budget"]["monthly_delta"] == "0.00" and a["households"] == []
    # 分类施保 20 %: S1 400 + 80 = 480
    assert b["budget"]["monthly"] == "710.00" and by_id(b["households"])["S1"]["after"]["monthly_benefit"] == "480.00"


def test_effective_date_and_dated_reform_file(run, tmp_path):
    path = roster(tmp_path)
    reform = tmp_path / "reform-2027.toml"
    reform.write_text('[region]\ncode = "630000"\n[parameters.rural_standard_annual]\n'
                      '"2027-01-01" = { value = 6000, source = "提高2027年低保标准的通知" }\n', encoding="utf-8")
    early = impact(run, path, "--policy", reform, "--format", "json").json()["alternatives"][0]
    assert early["changes"] == [] and early["households"] == [] and "没有差别" in early["notes"][0]
    out = run("impact", path, "--policy", reform, "--effective", "2027-01-01", "--format", "json")
    assert out.code == 0, out.err
    data = out.json()
    assert data["date"] == data["effective"] == "2027-01-01"
    assert data["alternatives"][0]["budget"]["monthly"] == "565.00"
    assert data["alternatives"][0]["changes"][0]["source"] == "提高2027年低保标准的通知"
    later = run("impact", path, *REFORM, "--effective", "2027-01-01", "--date", DAY)
    assert later.code == 2 and "晚于核算日期" in later.err


def test_set_values_are_checked_like_policy_files(run, tmp_path):
    path = roster(tmp_path)
    for value, message in (("rural_standard_annual=-1", "不能为负数"), ("rural_standard_annual=60.001", "金额最多两位小数"),
                           ("classified_share=1.5", "比例应在 0 到 1 之间"), ("phase_out_months=6", "短于规定的下限"),
                           ("no_such=1", "不认识的参数 no_such"), ("rural_standard_annual", "应写成 参数名=数值"),
                           ("rounding=斤", "取整单位应为"), ("max_vehicles=1.5", "应为不小于 0 的整数")):
        out = run("impact", path, "--set", value, "--date", DAY)
        assert out.code == 4, (value, out.out, out.err)
        assert message in out.err and "Traceback" not in out.err
    assert run("impact", path, "--date", DAY).code == 4
    bad = run("impact", path, "--grid", "rural_standard_annual=6600:5400:300", "--date", DAY)
    assert bad.code == 4 and "起点不大于终点" in bad.err
    listed = impact(run, path, "--set", "employment_deduction_area_types=农村,城市", "--format", "json").json()
    assert listed["alternatives"][0]["changes"][0]["after"] == "农村、城市"


def test_xlsx_one_sheet_per_view_exact_figures(run, tmp_path):
    target = tmp_path / "测算.xlsx"
    impact(run, roster(tmp_path), *REFORM, "-o", target)
    book = load_workbook(target)
    assert book.sheetnames == ["方案一览", "方案内容", "金额减少的户", "状态变化", "分乡镇资金", "变化户"]
    summary = [row for row in book["方案一览"].iter_rows(values_only=True)]
    header = summary.index(next(r for r in summary if r[0] == "方案"))
    assert summary[header + 1][:9] == ("现行政策", 3, 4, 600, 60, 30, 0, 690, 8280)
    assert summary[header + 2][:11] == ("1. 农村低保标准=6000", 4, 7, 490, 75, 0, 0, 565, 6780, -125, -1500)
    assert summary[header + 2][11:] == (1, 0, 3, 1)
    falls = list(book["金额减少的户"].iter_rows(values_only=True))
    assert falls[0][0] == "月保障金减少的户：1 户（实施前须逐户核实并书面告知）"
    assert falls[2][1:14] == ("S1", "倒淌河镇", "黄河村", "石一", 2, "单人户", 1, 460, "低保", 2, 125, -335, -4020)
    changed = list(book["变化户"].iter_rows(values_only=True))[1:]
    assert sorted(r[1] for r in changed) == ["D1", "M1", "P1", "S1"] and sum(r[12] for r in changed) == -125
    matrix = {(r[1], r[2]): r[3:] for r in book["状态变化"].iter_rows(min_row=2, values_only=True)}
    assert matrix[("户", "低保边缘")][:2] == (1, 0) and matrix[("人", "渐退期")][0] == 2
    towns = {r[1]: r for r in book["分乡镇资金"].iter_rows(min_row=2, values_only=True)}
    assert towns["合计"][8] == 690 and towns["合计"][16] == 565 and towns["合计"][18] == -125
    assert book["方案一览"].page_setup.orientation == "landscape"
    again = run("impact", roster(tmp_path), *REFORM, "-o", target, "--date", DAY)
    assert again.code == 5


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text, self.rects = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "rect":
            self.rects.append(dict(attrs))

    def handle_data(self, data):
        self.text.append(data)


def test_html_page_with_chart_for_the_finance_bureau(run, tmp_path):
    target = tmp_path / "测算.html"
    impact(run, roster(tmp_path), *REFORM, "--unit", "共和县民政局", "-o", target)
    page = Page()
    page.feed(target.read_text(encoding="utf-8"))
    text = "".join(page.text)
    assert "测算单位：共和县民政局" in text and "月保障金减少的户：1 户" in text
    falls = text[text.index("月保障金减少的户："):text.index("分乡镇月保障金")]
    assert "S1" in falls and "460.00" in falls and "125.00" in falls and "-335.00" in falls and "单人户" not in falls
    assert "690.00" in text and "565.00" in text and "-125.00" in text and "-1500.00" in text
    assert not any(tag == "script" or attrs.get("src") or attrs.get("href") for tag, attrs in page.tags)
    # two bars per township (before, after), heights in proportion to the money: 660 is the highest
    heights = [float(r["height"]) for r in page.rects]
    assert heights == [160.0, 103.0, 7.3, 33.9]  # 160 x 425/660, 160 x 30/660, 160 x 140/660 to one decimal
    # the page leaves the bureau: no names, reasons, incomes or disabilities
    for private in ("石一", "石二", "残疾", "人均收入", "单人户纳入"):
        assert private not in text


def test_households_with_errors_are_left_out_of_both_sides(run, tmp_path):
    broken = person("E1", "错一", "1980-01-01", 经营净收入=100)
    broken["身份证号"] = "632521198001011234"
    out = impact(run, roster(tmp_path, [broken]), *REFORM, "--format", "json", code=1)
    data = out.json()
    assert data["left_out"] == 1 and data["alternatives"][0]["budget"]["monthly_delta"] == "-125.00"
    transitions = {(t["from"], t["to"]): t["households"] for t in data["alternatives"][0]["transitions"]}
    assert transitions[("left_out", "left_out")] == 1


def test_example_roster_with_the_example_reform_file(run):
    from conftest import EXAMPLES

    out = run("impact", EXAMPLES / "roster.xlsx", "--region", "632521", "--base-policy", EXAMPLES / "632521-共和县.toml",
              "--policy", EXAMPLES / "reform-2027.toml", "--effective", "2027-01-01", "--format", "json")
    assert out.code == 0, out.err
    [alt] = out.json()["alternatives"]
    assert [c["parameter"] for c in alt["changes"]] == ["rural_standard_annual", "urban_standard_monthly"]
    households = by_id(alt["households"])
    # GH001: 3 persons, 7800/year, one 分类施保 person: (6000 x 3 - 7800) / 12 = 850 + 500 x 0.15 = 925 (was 550 + 60)
    assert (households["GH001"]["before"]["monthly_benefit"], households["GH001"]["after"]["monthly_benefit"]) == \
        ("610.00", "925.00")
    # GH013 (城市, 2 persons, 500/month each): (700 - 500) x 2 = 400 (was (640 - 500) x 2 = 280)
    assert (households["GH013"]["before"]["monthly_benefit"], households["GH013"]["after"]["monthly_benefit"]) == \
        ("280.00", "400.00")
    assert [(d["household_id"], d["monthly_delta"]) for d in alt["decreases"]] == \
        [("GH003", "-368.00"), ("GH006", "-252.00"), ("GH025", "-288.00")]
    # GH012 (刚性支出困难家庭 under the base policy): its 重病 member is already covered alone at 460; 575 after -> +115
    assert households["GH012"]["before"]["monthly_benefit"] == "460.00" and households["GH012"]["monthly_delta"] == "115.00"
    assert sum(int(h["monthly_delta"].replace(".", "")) for h in alt["households"]) == \
        int(alt["budget"]["monthly_delta"].replace(".", "")) == 319900


def test_reform_file_with_an_income_item_grid_on_top_and_wrong_region(run, tmp_path):
    path = roster(tmp_path)
    reform = tmp_path / "经营收入不计入.toml"
    reform.write_text('[region]\ncode = "630000"\n[income_items."经营净收入"]\n'
                      '"2026-01-01" = { value = "不计入", source = "方案丙" }\n', encoding="utf-8")
    data = impact(run, path, "--policy", reform, "--grid", "classified_share=0.15:0.2:0.05", "--format", "json").json()
    first, second = data["alternatives"]
    assert first["name"] == "经营收入不计入，分类施保：每人每月加发低保标准的比例=0.15"
    assert first["changes"] == [{"parameter": "经营净收入", "label": "收入项目“经营净收入”", "before": "计入",
                                 "after": "不计入", "source": "方案丙"}]
    # no income counted: M1 (400 x 2) 800, P1 800, D1 400, S1 800 + 60, I1 400 = 3260; at 20 %: S1 + 80 -> 3280
    assert (first["budget"]["monthly"], second["budget"]["monthly"]) == ("3260.00", "3280.00")
    assert first["budget"]["entered"] == 2 and first["budget"]["decreases"] == 0
    wrong = tmp_path / "西宁.toml"
    wrong.write_text('[region]\ncode = "630100"\n[parameters.rural_standard_annual]\n'
                     '"2026-01-01" = { value = 6000, source = "西宁" }\n', encoding="utf-8")
    out = run("impact", path, "--region", "632521", "--policy", wrong, "--date", DAY)
    assert out.code == 4 and "不适用于现行政策的地区 632521" in out.err
    assert run("impact", path, *REFORM, "--format", "html", "--date", DAY).code == 2


def test_several_alternatives_on_screen_list_every_decrease(run, tmp_path):
    out = impact(run, roster(tmp_path), "--grid", "rural_standard_annual=5400:6600:600")
    text = out.out
    assert "方案 1：没有月保障金减少的户。" in text
    assert "方案 2：月保障金减少的户（1 户）" in text and "方案 3：月保障金减少的户（1 户）" in text
    assert "状态变化（行" not in text and "分乡镇月保障金" not in text and "只给一个方案时屏幕上全部列出" in text


def test_streamed_json_is_the_whole_document(tmp_path):
    import datetime as dt
    import json

    from dibao_cli.policy.config import choose_policy
    from dibao_cli.assess.impact import compare
    from dibao_cli.assess.reforms import build_reforms, reform_policy
    from dibao_cli.reports.impact import as_json, json_chunks
    from dibao_cli.policy import PolicyAt
    from dibao_cli.reading.roster import read_rosters

    day = dt.date.fromisoformat(DAY)
    base_policy = choose_policy(None, [], folder=tmp_path)
    reforms = [(r, PolicyAt(reform_policy(base_policy, r), day))
               for r in build_reforms(base_policy, day, grid="rural_standard_annual=5400:6600:600")]
    result = compare(read_rosters([roster(tmp_path)], on_date=day), PolicyAt(base_policy, day), reforms, day, day)
    streamed = json.loads(b"".join(json_chunks(result)))
    assert streamed == json.loads(json.dumps(as_json(result), default=str))
    assert [len(a["households"]) for a in streamed["alternatives"]] == [2, 4, 4]


def test_a_reform_equal_to_the_policy_in_force_says_so(run, tmp_path):
    data = impact(run, roster(tmp_path), "--set", "rural_standard_annual=4800", "--format", "json").json()
    [alt] = data["alternatives"]
    assert alt["changes"] == [] and alt["households"] == [] and alt["budget"]["monthly_delta"] == "0.00"
    assert alt["notes"] == ["本方案在 2026-11-30 与现行政策没有差别。"]


def test_html_with_several_alternatives_charts_the_budget_of_each(run, tmp_path):
    target = tmp_path / "方案.html"
    impact(run, roster(tmp_path), "--grid", "rural_standard_annual=5400:6600:600", "-o", target)
    page = Page()
    page.feed(target.read_text(encoding="utf-8"))
    # first chart: 现行 690, then 798, 565, 923 (the highest, 150 px)
    heights = [float(r["height"]) for r in page.rects[:4]]
    assert heights == [112.1, 129.7, 91.8, 150.0]
    text = "".join(page.text)
    assert "方案 3：农村低保标准=6600" in text and "月保障金减少的户：1 户" in text and "没有月保障金减少的户" in text


def svg_labels(html: str) -> list[str]:
    import re

    return [re.sub(r"<[^>]+>", "", t) for svg in re.findall(r"<svg.*?</svg>", html, re.S)
            for t in re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S)]


def test_printed_charts_label_every_bar_in_yuan_and_stay_on_one_page(run, tmp_path):
    target = tmp_path / "测算.html"
    impact(run, roster(tmp_path), *REFORM, "-o", target)
    html = target.read_text(encoding="utf-8")
    # both bars of each township carry their exact monthly amount, then the township's name
    assert svg_labels(html) == ["660.00", "425.00", "倒淌河镇", "30.00", "140.00", "恰卜恰镇"]
    assert ".chart { break-inside: avoid; page-break-inside: avoid; }" in html
    several = tmp_path / "方案.html"
    impact(run, roster(tmp_path), "--grid", "rural_standard_annual=5400:6600:600", "-o", several)
    labels = svg_labels(several.read_text(encoding="utf-8"))
    assert labels[:8] == ["690.00", "现行", "798.00", "方案 1", "565.00", "方案 2", "923.00", "方案 3"]


def test_set_values_that_are_not_finite_numbers_say_so(run, tmp_path):
    path = roster(tmp_path)
    for value in ("rural_standard_annual=inf", "marginal_multiplier=nan", "rural_standard_annual=1e400",
                  "rural_standard_annual=-inf"):
        out = run("impact", path, "--set", value, "--date", DAY)
        assert out.code == 4, (value, out.out, out.err)
        assert f"--set {value}：应为有限的数字" in out.err and "不能为负数" not in out.err
