"""Early warning signals, each with its figures and basis."""

from conftest import DAY, EXAMPLES, person, write_xlsx

COUNTY = ["--region", "632521", "--policy", EXAMPLES / "632521-共和县.toml"]


def signals(run, *args, code=1):
    out = run("monitor", *args, "--date", DAY, "--format", "json")
    assert code is None or out.code == code, out.out + out.err
    return out.json()


def codes(data):
    return {(s["household_id"], s["member"], s["code"]) for s in data["signals"]}


def test_examples_with_county_policy(run):
    data = signals(run, EXAMPLES / "roster.xlsx", *COUNTY)
    found = codes(data)
    assert ("GH012", "", "rigid_hardship") in found  # 48000 of rigid spending against 16000 of income
    assert ("GH010", "", "lifted_out_not_covered") in found
    assert ("GH006", "周明", "single_person_uncovered") in found
    assert ("GH006", "周明", "disability_care_subsidy") in found
    assert ("GH019", "韩德福", "disability_living_subsidy") not in found  # already receives 两项补贴
    assert ("GH010", "高宝山", "care_need") in found
    hardship = next(s for s in data["signals"] if s["code"] == "rigid_hardship")
    assert "占家庭收入 300%（规定 60%）" in hardship["figures"] and "15,000.00" in hardship["figures"]


def test_rigid_hardship_is_skipped_and_said_without_the_disposable_income(run):
    data = signals(run, EXAMPLES / "roster.xlsx")
    assert not any(s["code"] == "rigid_hardship" for s in data["signals"])
    assert any("rural_disposable_income_annual" in n for n in data["notes"])


def test_income_drop_and_member_change_against_last_month(run, tmp_path):
    before = write_xlsx(tmp_path / "11.xlsx", [person("H1", "甲", "1970-01-01", 经营净收入=20000),
                                                person("H1", "乙", "1972-01-01", "配偶", seq=12)])
    now = write_xlsx(tmp_path / "12.xlsx", [person("H1", "甲", "1970-01-01", 经营净收入=12000)])
    data = signals(run, now, "--previous", before)
    drop = next(s for s in data["signals"] if s["code"] == "income_drop")
    assert "20,000.00 元降到 12,000.00 元/年（降幅 40%，提示线 30%）" in drop["figures"]
    assert ("H1", "", "members_changed") in codes(data)


def test_child_without_an_able_adult(run, tmp_path):
    rows = [person("H1", "奶奶", "1950-01-01", 劳动能力="完全丧失"),
            person("H1", "孙子", "2015-05-05", "孙子", seq=13)]
    data = signals(run, write_xlsx(tmp_path / "r.xlsx", rows))
    assert ("H1", "孙子", "child_without_carer") in codes(data)
    rows.append(person("H1", "姑姑", "1990-01-01", "女", seq=12, 劳动能力="有"))
    data = signals(run, write_xlsx(tmp_path / "r2.xlsx", rows), code=None)
    assert not any(c == "child_without_carer" for _, _, c in codes(data))


def test_quiet_roster_exits_0(run, tmp_path):
    data = signals(run, write_xlsx(tmp_path / "r.xlsx", [person("H1", "甲", "1980-01-01", 工资性收入=50000)]), code=0)
    assert data["signals"] == []


def test_previous_month_from_the_ledger(run, tmp_path):
    before = write_xlsx(tmp_path / "11.xlsx", [person("H1", "甲", "1970-01-01", 经营净收入=20000)])
    assert run("import", before, "--month", "2026-11", "--db", tmp_path / "l.db").code == 0
    now = write_xlsx(tmp_path / "12.xlsx", [person("H1", "甲", "1970-01-01", 经营净收入=2000)])
    data = signals(run, now, "--month", "2026-11", "--db", tmp_path / "l.db")
    assert ("H1", "", "income_drop") in codes(data)
