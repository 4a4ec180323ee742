"""特困 and 刚性支出 downstream: the ledger's monthly events (低保 <-> 特困 is a 转类, never 停保 + 新增) and
`dibao review` (特困 yearly, 刚性支出 when its 12 months end)."""

from conftest import person, write_xlsx
from test_ledger import history, load

COUNTY = '''[region]
code = "632521"
[parameters.rural_disposable_income_annual]
"2026-01-01" = { value = 15000, source = "本州统计公报" }
'''


def elder(**extra):
    return [person("H1", "韩桂英", "1945-01-01", seq=22, 经营净收入=600, **extra)]


def test_dibao_household_moving_to_tekun_is_one_transfer_event(run, tmp_path):
    load(run, tmp_path, "2026-01", elder())  # 50 a month: 低保
    load(run, tmp_path, "2026-02", elder(赡养抚养扶养人="无", 自理能力="全失能"))
    load(run, tmp_path, "2026-03", elder(特困="是", 赡养抚养扶养人="无", 自理能力="全失能"))
    rows = history(run, tmp_path)
    assert [r["status"] for r in rows] == ["dibao", "tekun", "tekun"]
    assert rows[0]["events"] == ["新纳入低保"]
    assert rows[1]["events"] == ["由低保转为特困"]
    assert rows[2]["events"] == []
    review = run("review", "--db", tmp_path / "l.db", "--as-of", "2027-02-01", "--within", "0", "--format", "json")
    assert review.code == 1
    assert {(i["household_id"], i["kind"], i["due"]) for i in review.json()["items"]} == {("H1", "tekun_review", "2027-01-31")}


def test_a_member_of_a_dibao_household_moving_to_tekun_is_a_member_transfer(run, tmp_path):
    son = person("H1", "马建军", "1980-05-05", "子", seq=13, 工资性收入=6000)
    load(run, tmp_path, "2026-01", [person("H1", "马福寿", "1950-03-01", 其他收入=1200), son])
    load(run, tmp_path, "2026-02", [person("H1", "马福寿", "1950-03-01", 其他收入=1200, 赡养抚养扶养人="无履行能力",
                                           自理能力="半失能"), son])
    rows = history(run, tmp_path)
    assert [r["status"] for r in rows] == ["dibao", "dibao"]
    assert "马福寿 由低保转为特困供养（转类）" in rows[1]["events"]
    assert not any("停保" in e or "新纳入" in e for e in rows[1]["events"])
    # next month, the roster not yet marked 特困 = 是: the 转类 is not recorded again
    load(run, tmp_path, "2026-03", [person("H1", "马福寿", "1950-03-01", 其他收入=1200, 赡养抚养扶养人="无履行能力",
                                           自理能力="半失能"), son])
    assert history(run, tmp_path)[2]["events"] == []


def test_tekun_ending_and_rigid_recognition_are_events(run, tmp_path):
    policy = tmp_path / "c.toml"
    policy.write_text(COUNTY, encoding="utf-8")
    load(run, tmp_path, "2026-01", elder(特困="是"), "--region", "632521", "--policy", policy)
    load(run, tmp_path, "2026-02", [person("H1", "韩桂英", "1945-01-01", seq=22, 特困="是", 财产净收入=14000,
                                           医疗支出=9000)], "--region", "632521", "--policy", policy)
    rows = history(run, tmp_path)
    assert [r["status"] for r in rows] == ["tekun", "rigid"]
    assert rows[0]["events"] == ["新认定为特困供养"] and rows[1]["events"] == ["由特困转为刚性支出"]


def test_review_lists_tekun_yearly_and_rigid_at_twelve_months(run, tmp_path):
    policy = tmp_path / "c.toml"
    policy.write_text(COUNTY, encoding="utf-8")
    rows = [person("T1", "李长海", "1948-07-07", seq=31, 特困="是", 当前保障类别="特困", 上次核查日期="2025-11-20"),
            person("T2", "杨小军", "1940-10-10", seq=51, 特困="是", 当前保障类别="特困", 上次核查日期="2026-01-20"),
            person("R1", "赵永平", "1970-08-08", seq=81, 经营净收入=14000, 康复支出=9000, 当前保障类别="刚性支出",
                   纳入日期="2025-12-01")]
    path = write_xlsx(tmp_path / "r.xlsx", rows)
    out = run("review", path, "--as-of", "2026-11-30", "--within", "0", "--region", "632521", "--policy", policy,
              "--format", "json")
    assert out.code == 1, out.err
    items = {(i["household_id"], i["kind"], i["due"]) for i in out.json()["items"]}
    assert items == {("T1", "tekun_review", "2026-11-20"), ("R1", "rigid_review", "2026-11-30")}


def test_a_tekun_household_moving_back_to_dibao_is_one_transfer_event(run, tmp_path):
    """《特困人员认定办法》: an elder whose supporter can now support leaves 特困 and, on 600 a year, falls back to
    低保: one 转类 for the household, not a second one for the same person beside it."""
    load(run, tmp_path, "2026-01", elder(特困="是", 赡养抚养扶养人="无"))
    load(run, tmp_path, "2026-02", elder(特困="是", 赡养抚养扶养人="有履行能力"))
    rows = history(run, tmp_path)
    assert [r["status"] for r in rows] == ["tekun", "dibao"]
    assert rows[1]["events"] == ["由特困转为低保"]


def test_a_rigid_household_with_a_single_person_student_is_recognised_once_and_reviewed_at_twelve_months(run, tmp_path):
    """刚性支出 with a 单人保 student (status 单人户 in the ledger): the recognition is an event in its first month only,
    its validity counts from that month's assessment day, and `review` lists the 12-month review beside the 低保 one."""
    policy = tmp_path / "c.toml"
    policy.write_text(COUNTY, encoding="utf-8")
    family = [person("H1", "陈国栋", "1975-04-04", seq=71, 经营净收入=24000, 医疗支出=10400),
              person("H1", "刘桂兰", "1976-04-04", "配偶", seq=72, 教育支出=4000),
              person("H1", "陈浩", "2005-09-09", "子", seq=73, 在校学生="是", 就读学段="本科")]
    load(run, tmp_path, "2026-01", family, "--region", "632521", "--policy", policy)
    load(run, tmp_path, "2026-02", family, "--region", "632521", "--policy", policy)
    rows = history(run, tmp_path)
    assert [r["status"] for r in rows] == ["single_person", "single_person"]
    assert rows[0]["events"] == ["新纳入低保", "新认定为刚性支出困难家庭"] and rows[1]["events"] == []
    review = run("review", "--db", tmp_path / "l.db", "--as-of", "2027-01-31", "--within", "0", "--region", "632521",
                 "--policy", policy, "--format", "json")
    items = {(i["kind"], i["due"]) for i in review.json()["items"]}
    assert ("rigid_review", "2027-01-30") in items


def test_a_member_transfer_keeps_a_name_with_a_space_and_is_recorded_once(run, tmp_path):
    """The 转类 event names the person; a name written with a space (Tashi Dorje) is not cut at the space, and
    next month's roster (not yet marked 特困 = 是) does not record it again."""
    son = person("H1", "马建军", "1980-05-05", "子", seq=13, 工资性收入=6000)
    elder_row = dict(其他收入=1200)
    load(run, tmp_path, "2026-01", [person("H1", "Tashi Dorje", "1950-03-01", **elder_row), son])
    moved = [person("H1", "Tashi Dorje", "1950-03-01", 赡养抚养扶养人="无履行能力", 自理能力="半失能", **elder_row), son]
    load(run, tmp_path, "2026-02", moved)
    load(run, tmp_path, "2026-03", moved)
    rows = history(run, tmp_path)
    # (4800 x 2 - 6600) / 12 / 2 x 1 covered = 125.00; January 250.00 + 60.00 分类施保 for the elder = 310.00
    assert rows[1]["events"] == ["月保障金由 310.00 元变为 125.00 元", "Tashi Dorje 由低保转为特困供养（转类）"]
    assert rows[2]["events"] == []


def test_review_lists_the_yearly_tekun_check_of_a_tekun_member_in_a_dibao_household(run, tmp_path):
    """特困 reviewed yearly (tekun_review_months) also when the supported person lives in a 低保 household: beside
    the household's half-yearly 低保 check (the son can work), from the roster and from the ledger."""
    rows = [person("T3", "马福寿", "1950-03-01", 特困="是", 赡养抚养扶养人="无履行能力", 自理能力="半失能", 其他收入=1200,
                   当前保障类别="低保", 上次核查日期="2025-11-20"),
            person("T3", "马建军", "1980-05-05", "子", seq=13, 工资性收入=6000)]
    path = write_xlsx(tmp_path / "r.xlsx", rows)
    out = run("review", path, "--as-of", "2026-11-30", "--within", "0", "--format", "json")
    assert out.code == 1, out.err
    items = {(i["household_id"], i["kind"], i["due"]) for i in out.json()["items"]}
    assert items == {("T3", "periodic", "2026-05-20"), ("T3", "tekun_review", "2026-11-20")}
    load(run, tmp_path, "2026-11", rows)
    out = run("review", "--db", tmp_path / "l.db", "--as-of", "2026-11-30", "--within", "0", "--format", "json")
    items = {(i["household_id"], i["kind"], i["due"]) for i in out.json()["items"]}
    assert items == {("T3", "periodic", "2026-05-20"), ("T3", "tekun_review", "2026-11-20")}


def test_the_import_summary_names_tiered_events_in_chinese(run, tmp_path):
    """The screen summary of an import says 新认定特困 / 新认定刚性支出困难, never an internal event code."""
    policy = tmp_path / "c.toml"
    policy.write_text(COUNTY, encoding="utf-8")
    first = load(run, tmp_path, "2026-01", elder(特困="是"), "--region", "632521", "--policy", policy)
    assert "本月变化：新认定特困 1 户" in first.out
    rigid = [person("H1", "韩桂英", "1945-01-01", seq=22, 财产净收入=14000, 医疗支出=9000)]
    second = load(run, tmp_path, "2026-02", rigid, "--region", "632521", "--policy", policy)
    summary = next(line for line in second.out.splitlines() if line.startswith("本月变化："))
    assert summary == "本月变化：转类 1 户"
    rigid_from_start = load(run, tmp_path, "2026-03", rigid, "--region", "632521", "--policy", policy,
                            "--db", tmp_path / "other.db")
    assert "本月变化：新认定刚性支出困难 1 户" in rigid_from_start.out
