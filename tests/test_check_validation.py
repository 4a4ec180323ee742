"""One validation for `check` and `assess`: every household `assess` leaves out, `check` reports, under
the same --region/--policy; and check's counts agree with each other."""

import pytest

from conftest import DAY, EXAMPLES, person, write_xlsx

POLICY = EXAMPLES / "632521-共和县.toml"


def roster(tmp_path, item):
    rows = [
        person("H1", "马建国", "1981-03-15", seq=11, **{item: 3000}),
        person("H1", "韩秀英", "1983-07-02", "配偶", seq=12),
        person("H2", "冶玛", "1950-11-11", seq=12, **{item: 1200}),
        person("H3", "李四", "1960-01-01", seq=13),
    ]
    return write_xlsx(tmp_path / "r.xlsx", rows)


def left_out_by_assess(run, path, *options):
    result = run("assess", path, "--format", "json", "--date", DAY, *options)
    return result.code, sorted(h["household_id"] for h in result.json()["left_out"])


def reported_by_check(run, path, *options):
    result = run("check", path, "--format", "json", "--date", DAY, *options)
    data = result.json()
    households = sorted({p["household_id"] for p in data["problems"] if p["severity"] == "error" and p["household_id"]})
    return result.code, households, data


def test_renamed_income_column_fails_check_as_it_fails_assess(run, tmp_path):
    """打工收入 is not an item the province's policy lists: assess leaves out H1 and H2, so check says so."""
    path = roster(tmp_path, "打工收入")
    assert left_out_by_assess(run, path) == (1, ["H1", "H2"])
    code, households, data = reported_by_check(run, path)
    assert (code, households) == (1, ["H1", "H2"])
    assert data["summary"]["households_with_errors"] == 2 and data["summary"]["errors"] == 2
    problems = [p for p in data["problems"] if p["code"] == "income_item_unknown" and p["severity"] == "error"]
    assert sorted((p["household_id"], p["column"], p["row"]) for p in problems) == [("H1", "打工收入", 2),
                                                                                    ("H2", "打工收入", 4)]


def test_check_uses_the_same_policy_options_as_assess(run, tmp_path):
    """牧业补助 is listed by the county's policy file, not by the province's."""
    path = roster(tmp_path, "牧业补助")
    assert left_out_by_assess(run, path) == (1, ["H1", "H2"])
    assert reported_by_check(run, path)[:2] == (1, ["H1", "H2"])
    assert left_out_by_assess(run, path, "--policy", POLICY) == (0, [])
    code, households, data = reported_by_check(run, path, "--policy", POLICY)
    assert (code, households, data["problems"]) == (0, [], [])


def test_missing_area_type_is_reported_by_check(run, tmp_path):
    rows = [person("H1", "马建国", "1981-03-15", seq=11, area_type=None), person("H2", "冶玛", "1950-11-11", seq=12)]
    path = write_xlsx(tmp_path / "r.xlsx", rows)
    assert left_out_by_assess(run, path) == (1, ["H1"])
    code, households, data = reported_by_check(run, path)
    assert (code, households) == (1, ["H1"])
    assert [p["code"] for p in data["problems"]] == ["area_type_missing"]


def test_member_count_in_summary_and_table_agree(run, tmp_path):
    """A member with a blank 户编号 belongs to no household but is counted: the table shows them."""
    rows = [
        person("H1", "马建国", "1981-03-15", seq=11),
        person(None, "韩秀英", "1983-07-02", "配偶", seq=12),
        person("H2", "冶玛", "1950-11-11", seq=12),
    ]
    path = write_xlsx(tmp_path / "r.xlsx", rows)
    result = run("check", path, "--date", DAY)
    assert result.code == 1
    assert "1 个文件，2 户，3 人（其中 1 人未填户编号，不属于任何一户）" in result.out
    table = [line for line in result.out.splitlines() if "恰卜恰镇" in line or "未填户编号的人" in line]
    counts = [int(line.split("│")[-2].strip()) for line in table]
    assert counts == [2, 1] and sum(counts) == 3
    data = run("check", path, "--format", "json", "--date", DAY).json()["summary"]
    assert data["members"] == 3 == sum(v["members"] for v in data["by_township"].values())
    assert data["members_without_household"] == 1


@pytest.mark.parametrize("example", ["roster.xlsx", "messy-roster.xlsx"])
def test_examples_counts_agree(run, example):
    data = run("check", EXAMPLES / example, "--format", "json", "--date", DAY).json()["summary"]
    assert data["members"] == sum(v["members"] for v in data["by_township"].values())
    assert data["households"] == sum(v["households"] for v in data["by_township"].values())
