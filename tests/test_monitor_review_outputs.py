"""What `dibao monitor` and `dibao review` print and write: the screen table (grouped, cut when long), CSV and the
workbook (one sheet per village or township), from real rosters and a real ledger through the real CLI."""

import csv

from openpyxl import load_workbook

from conftest import DAY, EXAMPLES, person, write_xlsx

COUNTY = ["--region", "632521", "--policy", EXAMPLES / "632521-共和县.toml"]
ROSTER = EXAMPLES / "roster.xlsx"



def sheet_rows(path, name):
    return [list(r) for r in load_workbook(path)[name].iter_rows(values_only=True)]


def lines(text):
    return [line.rstrip() for line in text.splitlines()]


# ---------------------------------------------------------------- monitor
def test_monitor_table_groups_signals_by_village_and_totals_them(run):
    out = run("monitor", ROSTER, *COUNTY, "--date", DAY)
    assert out.code == 1, out.err  # exit 1: there are households to visit
    text = lines(out.out)
    assert text[0] == "注意：没有上月数据（--previous 或 --month），未检查收入下降和成员变化。"
    titles = [line.strip() for line in text if line.strip().startswith("恰卜恰镇") and "│" not in line]
    assert titles == ["恰卜恰镇东巴村", "恰卜恰镇加拉村", "恰卜恰镇城东社区", "恰卜恰镇西台村"]
    assert text[-1] == ("合计：重病重残成员可按单人户纳入 3，生活可能不能自理 3，困难残疾人生活补贴候选 2，"
                        "重度残疾人护理补贴候选 1，特困供养候选 5，脱贫户成员丧失劳动能力未纳入 1，"
                        "刚性支出困难家庭候选 1，可能是孤儿或事实无人抚养儿童 1")
    assert sum(line.startswith("│ GH") for line in text) == 17


def test_monitor_csv_has_every_signal_with_figures_and_basis(run, tmp_path):
    out = run("monitor", ROSTER, *COUNTY, "--date", DAY, "--format", "csv", "-o", tmp_path / "m.csv")
    assert out.code == 1, out.err
    rows = (tmp_path / "m.csv").read_text(encoding="utf-8-sig").splitlines()
    assert rows[0] == "乡镇,村(社区),户编号,户主,成员,信号,情况,依据"
    assert len(rows) == 1 + 17
    rigid = [r for r in csv.reader(rows) if r[2] == "GH012" and r[5] == "刚性支出困难家庭候选"]
    assert rigid == [["恰卜恰镇", "加拉村", "GH012", "谢宗宝", "", "刚性支出困难家庭候选",
                      "近12个月刚性支出 48,000.00 元，占家庭收入 300%（规定 60%）；人均年收入 8,000.00 元，"
                      "低于上年人均可支配收入 15,000.00 元",
                      "青海省刚性支出困难家庭认定（2025年）：人均收入低于上年人均可支配收入，近12个月刚性支出占家庭收入的规定比例以上"]]
    assert rows[1] == ("恰卜恰镇,东巴村,GH006,周海龙,周明,重病重残成员可按单人户纳入,肢体一级残疾，月保障金 460.00 元,"
                       "民发〔2021〕57号单人户规定；青海省民政厅：低收入家庭中的重病、重残人员参照“单人户”纳入低保")


def test_monitor_workbook_has_one_sheet_per_village_and_the_notes(run, tmp_path):
    target = tmp_path / "走访重点.xlsx"
    out = run("monitor", ROSTER, *COUNTY, "--date", DAY, "-o", target)
    assert out.code == 1, out.err
    book = load_workbook(target)
    assert book.sheetnames == ["恰卜恰镇东巴村", "恰卜恰镇加拉村", "恰卜恰镇城东社区", "恰卜恰镇西台村", "说明"]
    east = sheet_rows(target, "恰卜恰镇东巴村")
    assert east[0][0] == "恰卜恰镇东巴村 走访重点"
    header = east.index(["乡镇", "村(社区)", "户编号", "户主", "成员", "信号", "情况", "依据"])
    counts = {name: len(sheet_rows(target, name)) - header - 1 for name in book.sheetnames[:-1]}
    assert counts == {"恰卜恰镇东巴村": 8, "恰卜恰镇加拉村": 5, "恰卜恰镇城东社区": 1, "恰卜恰镇西台村": 3}
    assert east[header + 1][:6] == ["恰卜恰镇", "东巴村", "GH006", "周海龙", "周明", "重病重残成员可按单人户纳入"]
    notes = [r[0] for r in sheet_rows(target, "说明") if r[0] is not None]
    assert notes == ["说明", "没有上月数据（--previous 或 --month），未检查收入下降和成员变化。"]


def test_monitor_quiet_month_says_so_on_screen_and_in_the_workbook(run, tmp_path):
    roster = write_xlsx(tmp_path / "r.xlsx", [person("H1", "甲", "1980-01-01", 工资性收入=50000)])
    out = run("monitor", roster, *COUNTY, "--previous", roster, "--date", DAY)
    assert out.code == 0, out.err
    assert lines(out.out) == ["没有发现需要重点走访的户。"]
    written = run("monitor", roster, *COUNTY, "--previous", roster, "--date", DAY, "-o", tmp_path / "m.xlsx")
    assert written.code == 0, written.err
    assert load_workbook(tmp_path / "m.xlsx").sheetnames == ["说明"]
    assert [r[0] for r in sheet_rows(tmp_path / "m.xlsx", "说明")] == ["说明", "全部监测均已执行"]


def many_old_people(tmp_path, count):
    """`count` single elderly households without income or work ability: each is one 特困供养候选 signal."""
    rows = [person(f"H{i:03d}", f"老人{i}", "1950-01-01", seq=11 + 2 * i, 劳动能力="完全丧失",
                   **{"村(社区)": "西台村" if i % 2 else "东巴村"}) for i in range(count)]
    return write_xlsx(tmp_path / "many.xlsx", rows)


def test_monitor_long_list_is_cut_on_screen_with_a_township_summary(run, tmp_path):
    roster = many_old_people(tmp_path, 305)
    out = run("monitor", roster, *COUNTY, "--date", DAY)
    assert out.code == 1, out.err
    text = lines(out.out)
    assert sum(line.startswith("│ H") for line in text) == 100
    summary = text.index("按乡镇汇总")
    assert [c.strip() for c in text[summary + 2].strip("┃").split("┃")] == ["乡镇", "特困供养候选", "合计"]
    assert [c.strip() for c in text[summary + 4].strip("│").split("│")] == ["恰卜恰镇", "305", "305"]
    assert text[-2] == ("共 305 条，屏幕上只显示了前 100 条。完整清单请写到文件：-o 走访重点.xlsx，或 --format csv -o 走访重点.csv；"
                        "加 --all 在屏幕上显示全部。")
    assert text[-1] == "合计：特困供养候选 305"
    whole = lines(run("monitor", roster, *COUNTY, "--date", DAY, "--all").out)
    assert sum(line.startswith("│ H") for line in whole) == 305
    assert "按乡镇汇总" not in whole


# ---------------------------------------------------------------- review
REVIEW_ROWS = [
    "恰卜恰镇,东巴村,GH027,苏文斌,定期核查,2026-04-10,上次核查 2025-10-10，每半年核查一次（有劳动能力成员）",
    "恰卜恰镇,东巴村,GH005,张有财,定期核查,2026-06-10,上次核查 2025-12-10，每半年核查一次（有劳动能力成员）",
    "恰卜恰镇,东巴村,GH007,杨国庆,定期核查,2026-11-20,上次核查 2025-11-20，每年核查一次",
    "恰卜恰镇,东巴村,GH021,王德胜,定期核查,2026-12-05,上次核查 2025-12-05，每年核查一次",
    "恰卜恰镇,城东社区,GH014,宋建平,定期核查,2026-07-15,上次核查 2026-01-15，每半年核查一次（有劳动能力成员）",
    "恰卜恰镇,西台村,GH015,罗布,从未核查,2022-03-01,2021-09-01 纳入后没有核查记录，每半年核查一次",
    "恰卜恰镇,西台村,GH003,才让东智,从未核查,2022-11-01,2022-05-01 纳入后没有核查记录，每半年核查一次",
    "恰卜恰镇,西台村,GH004,赵德明,渐退期满仍在发放,2026-09-30,"
    "渐退期已于 2026-09-30 结束，仍按渐退期发放：请复核，停发或恢复正常保障，多发的应追回",
    "恰卜恰镇,西台村,GH019,韩德福,定期核查,2026-12-01,上次核查 2025-12-01，每年核查一次",
]
PERIODIC_BASIS = "民发〔2021〕57号（动态管理）：收入稳定的家庭每年核查，收入不稳定或有劳动能力成员的家庭每半年核查"


def test_review_from_a_roster_csv_lists_each_due_check_with_its_basis(run, tmp_path):
    out = run("review", ROSTER, "--as-of", DAY, "--within", "30", "--format", "csv", "-o", tmp_path / "r.csv")
    assert out.code == 1, out.err  # exit 1: checks are due
    rows = (tmp_path / "r.csv").read_text(encoding="utf-8-sig").splitlines()
    assert rows[0] == "乡镇,村(社区),户编号,户主,事项,到期日,说明,依据"
    assert [r.rsplit(",", 1)[0] for r in rows[1:]] == REVIEW_ROWS
    assert rows[1].rsplit(",", 1)[1] == PERIODIC_BASIS
    assert rows[6].rsplit(",", 1)[1] == "民发〔2021〕57号（动态管理）：保障对象应定期核查"


def test_review_table_says_its_source_and_totals_by_kind(run):
    out = run("review", ROSTER, "--as-of", DAY, "--within", "30")
    assert out.code == 1, out.err
    text = lines(out.out)
    assert text[0] == f"来源：名册：{ROSTER}；截至 {DAY}，含今后 30 天内到期"
    assert text[1].strip() == "到期核查"
    ids = [line.split("│")[3].strip() for line in text if line.startswith("│ 恰卜恰镇")]
    assert ids == [row.split(",")[2] for row in REVIEW_ROWS]
    assert text[-1] == "合计：定期核查 6 户，从未核查 2 户，渐退期满仍在发放 1 户"


def test_review_from_the_ledger_writes_one_sheet_per_township(run, tmp_path):
    db = tmp_path / "台账.db"
    imported = run("import", ROSTER, "--month", "2026-11", "--db", db, "--skip-invalid")
    assert imported.code == 0, imported.err
    target = tmp_path / "核查清单.xlsx"
    out = run("review", "--db", db, "--as-of", DAY, "--within", "30", "-o", target)
    assert out.code == 1, out.err
    assert lines(out.out) == ["已写入 " + str(target) + "：8 项到期核查。"]
    assert load_workbook(target).sheetnames == ["恰卜恰镇"]
    rows = sheet_rows(target, "恰卜恰镇")
    assert rows[0][0] == f"恰卜恰镇 到期核查清单（截至 {DAY}，含今后 30 天内到期）"
    header = rows.index(["乡镇", "村(社区)", "户编号", "户主", "事项", "到期日", "说明", "依据"])
    # the ledger keeps no payment column: 渐退期满仍在发放 (GH004) is found from a roster only
    expected = [r for r in REVIEW_ROWS if ",GH004," not in r]
    assert [",".join(str(c) for c in r[:7]) for r in rows[header + 1:]] == expected
    source = run("review", "--db", db, "--as-of", DAY, "--within", "30", "--format", "json").json()["source"]
    from dibao_cli.ledger.postgres import redact

    assert source == f"台账 {redact(str(run.target(db)))}，2026-11 月"


def test_review_with_nothing_due(run, tmp_path):
    roster = write_xlsx(tmp_path / "r.xlsx", [person("H1", "甲", "1980-01-01", 工资性收入=50000)])
    out = run("review", roster, "--as-of", DAY)
    assert out.code == 0, out.err
    assert lines(out.out)[1:] == ["没有到期的核查。"]
    written = run("review", roster, "--as-of", DAY, "-o", tmp_path / "r.xlsx.out.xlsx")
    assert written.code == 0, written.err
    assert load_workbook(tmp_path / "r.xlsx.out.xlsx").sheetnames == ["核查清单"]
    assert sheet_rows(tmp_path / "r.xlsx.out.xlsx", "核查清单")[0][0] == f"截至 {DAY} 没有到期的核查"


def test_review_long_list_is_cut_on_screen(run, tmp_path):
    rows = [person(f"H{i:03d}", f"户主{i}", "1950-01-01", seq=11 + 2 * i, 劳动能力="完全丧失", 当前保障类别="低保",
                   纳入日期="2020-01-01") for i in range(305)]
    roster = write_xlsx(tmp_path / "many.xlsx", rows)
    out = run("review", roster, "--as-of", DAY)
    assert out.code == 1, out.err
    text = lines(out.out)
    assert sum(line.startswith("│ 恰卜恰镇 │ 西台村   │ H") for line in text) == 100
    assert text[-2] == ("共 305 项，屏幕上只显示了前 100 项。完整清单请写到文件：-o 核查清单.xlsx，或 --format csv -o 核查清单.csv；"
                        "加 --all 在屏幕上显示全部。")
    assert text[-1] == "合计：从未核查 305 户"


TIERED_DUE = [  # 《特困人员认定办法》（民发〔2021〕43号）: 特困 people are checked every 12 months
    ("恰卜恰镇", "东巴村", "TK03", "李长海", "特困供养核查", "2027-11-30", "认定 2026-11-30，每 12 个月核查一次"),
    ("恰卜恰镇", "西台村", "TK01", "马福寿", "从未核查", "2027-05-30", "2026-11-30 纳入后没有核查记录，每半年核查一次"),
    ("恰卜恰镇", "西台村", "TK01", "马福寿", "特困供养核查", "2027-11-30",
     "户内特困供养人员 1 人；认定 2026-11-30，每 12 个月核查一次"),
    ("恰卜恰镇", "西台村", "TK02", "韩桂英", "特困供养核查", "2027-11-30", "认定 2026-11-30，每 12 个月核查一次"),
    ("恰卜恰镇", "西台村", "TK05", "杨小军", "特困供养核查", "2027-11-30", "认定 2026-11-30，每 12 个月核查一次"),
]


def test_review_and_visits_due_read_the_same_cases_from_the_ledger(run, tmp_path):
    """`dibao review` and the periodic visits of `dibao visits due --month` list the same due checks of a ledger
    month, 特困 members counted per household."""
    db = tmp_path / "台账.db"
    imported = run("import", EXAMPLES / "tiered-roster.xlsx", "--month", "2026-11", "--db", db, "--skip-invalid")
    assert imported.code == 0, imported.err
    review = run("review", "--db", db, "--as-of", DAY, "--within", "400", "--format", "csv", "-o", tmp_path / "r.csv")
    assert review.code == 1, review.err
    rows = list(csv.reader((tmp_path / "r.csv").read_text(encoding="utf-8-sig").splitlines()))[1:]
    assert [tuple(r[:7]) for r in rows] == TIERED_DUE
    visits = run("visits", "due", "--db", db, "--date", DAY, "--within", "400", "--month", "2026-11", "--format",
                 "json")
    assert visits.code == 1, visits.err
    periodic = [(v["township"], v["village"], v["household_id"], v["head_name"], v["reason"], v["due"])
                for v in visits.json()["visits"] if v["kind"] == "定期回访"]
    assert periodic == [(t, v, h, n, f"{label}：{detail}", due) for t, v, h, n, label, due, detail in TIERED_DUE]
