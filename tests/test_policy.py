"""Policy files: strict schema, dated values, province -> prefecture -> county inheritance, citations."""

import datetime as dt
from decimal import Decimal

import pytest

from conftest import DAY, EXAMPLES
from dibao_cli.errors import PolicyInvalid
from dibao_cli.policy import PolicyAt, load_policy

COUNTY = EXAMPLES / "632521-共和县.toml"


def write(tmp_path, text, name="p.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_province_defaults_are_the_qinghai_figures():
    """domain.md §11: rural 4800/year (400/month), urban 640/month, 分类施保 15 %."""
    at = PolicyAt(load_policy(), dt.date(2026, 11, 30))
    assert at.rural_standard_annual == Decimal(4800) and at.urban_standard_monthly == Decimal(640)
    assert at.classified_share == Decimal("0.15") and at.phase_out_months == 12
    assert at.entry("rural_standard_annual").since == dt.date(2021, 1, 1)


def test_dated_values_pick_the_one_in_force():
    """Rural standard history: 2400 (2015), 3700 (2018), 4800 (2020 end)."""
    policy = load_policy()
    assert policy.entry("rural_standard_annual", dt.date(2019, 6, 1)).value == 3700
    assert policy.entry("rural_standard_annual", dt.date(2016, 6, 1)).value == 2400


def test_no_value_in_force_is_an_error_not_zero():
    with pytest.raises(PolicyInvalid) as exc:
        PolicyAt(load_policy(), dt.date(2010, 1, 1))
    assert "没有 2010-01-01 适用的" in exc.value.message


def test_county_overrides_only_what_it_names():
    at = PolicyAt(load_policy("632521", [COUNTY]), dt.date(2026, 11, 30))
    assert at.minimum_monthly_benefit == Decimal(30)
    assert at.entry("minimum_monthly_benefit").region == "632521"
    assert at.rural_standard_annual == Decimal(4800) and at.entry("rural_standard_annual").region == "630000"
    assert at.income_item("草原生态保护补助奖励")[1].value is False
    # before the county's own date, the province value applies
    before = PolicyAt(load_policy("632521", [COUNTY]), dt.date(2025, 6, 1))
    assert before.minimum_monthly_benefit == Decimal(0)
    assert before.income_item("草原生态保护补助奖励")[1].value is True


@pytest.mark.parametrize("text,needle", [
    ('[region]\ncode = "632521"\n[parameters.rural_standard]\n"2026-01-01" = { value = 1, source = "x" }\n',
     "不认识的参数 rural_standard"),
    ('[region]\ncode = "632521"\n[parameters.rural_standard_annual]\n"2026-13-01" = { value = 1, source = "x" }\n',
     "日期 2026-13-01 不存在"),
    ('[region]\ncode = "632521"\n[parameters.rural_standard_annual]\n"2026-01-01" = { value = "多", source = "x" }\n',
     "应为数字"),
    ('[region]\ncode = "632521"\n[parameters.rural_standard_annual]\n"2026-01-01" = { value = 5000 }\n',
     "缺少 source"),
    ('[region]\ncode = "632521"\n[parameters.rural_standard_annual]\n"2026-01-01" = { value = 5000, source = "x", by = 1 }\n',
     "不认识的键 by"),
    ('[region]\ncode = "110105"\n', "不在青海省"),
    ('[regoin]\ncode = "632521"\n', "不认识的表 [regoin]"),
    ('[region]\ncode = "632521"\n[parameters.classified_share]\n"2026-01-01" = { value = 15, source = "x" }\n',
     "比例应在 0 到 1 之间"),
])
def test_strict_schema_names_file_line_and_key(tmp_path, text, needle):
    path = write(tmp_path, text)
    with pytest.raises(PolicyInvalid) as exc:
        load_policy(None, [path])
    assert needle in exc.value.message and str(path) in exc.value.message


def test_error_names_the_line(tmp_path):
    path = write(tmp_path, '[region]\ncode = "632521"\n\n[parameters.max_homes]\n"2026-01-01" = { value = -1, source = "x" }\n')
    with pytest.raises(PolicyInvalid) as exc:
        load_policy(None, [path])
    assert "第 5 行" in exc.value.message and "max_homes" in exc.value.message


def test_phase_out_below_the_qinghai_minimum_is_refused(tmp_path):
    """Seed: 渐退期不少于1年."""
    path = write(tmp_path, '[region]\ncode = "632521"\n[parameters.phase_out_months]\n"2026-01-01" = { value = 6, source = "x" }\n')
    with pytest.raises(PolicyInvalid) as exc:
        PolicyAt(load_policy(None, [path]), dt.date(2026, 11, 30))
    assert "短于规定的下限 12 个月" in exc.value.message


def test_policy_for_another_region_is_refused():
    with pytest.raises(PolicyInvalid):
        load_policy("632801", [COUNTY])


def test_policy_show_and_check_commands(run):
    shown = run("policy", "show", "--region", "632521", "--policy", COUNTY, "--date", DAY)
    assert shown.code == 0
    assert "4800 元/人·年" in shown.out and "不计入" in shown.out and "须县里确认" in shown.out
    checked = run("policy", "check", COUNTY, "--date", DAY)
    assert checked.code == 0
    text = checked.out.replace("\n", "")
    assert "须县里按本地文件确认后再出具通知书" in text and "每户每月最低保障金" in text and "《共和县最低生活保障工作实施细则》" in text
    assert "城市低保标准 640 元/人·月自2021年1月1日起执行，至今已5年以上未更新" in text


def test_bad_policy_file_exits_4(run, tmp_path):
    path = write(tmp_path, "[region]\ncode = 632521\n[parameters]\nx = 1\n")
    result = run("policy", "check", path)
    assert result.code == 4 and "不认识的参数 x" in result.err


def test_init_writes_config_used_by_later_commands(run, tmp_path):
    local = tmp_path / "632521-共和县.toml"
    local.write_bytes(COUNTY.read_bytes())
    assert run("init", "--region", "632521", "--policy", local).code == 0
    assert 'region = "632521"' in (tmp_path / "dibao.toml").read_text(encoding="utf-8")
    assert run("init", "--region", "632521").code == 5  # exists, no --force
    data = run("assess", EXAMPLES / "roster.xlsx", "--date", DAY, "--format", "json").json()
    assert data["policy"]["region"] == "632521" and data["policy"]["name"] == "青海省 + 共和县"


def test_without_region_the_output_says_province_values_apply(run):
    data = run("assess", EXAMPLES / "roster.xlsx", "--date", DAY, "--format", "json").json()
    assert data["policy"]["region"] == "630000"
    assert any("采用青海省级数值" in n for n in data["policy"]["notes"])


def test_citations_belong_to_the_policy_in_use_with_many_policies_loaded_one_after_another(tmp_path):
    """Texts derived from a policy are cached on the resolved policy itself. A module-level cache keyed by id()
    either kept every policy alive or, once one was freed and its id reused, handed out its citation."""
    import gc
    import weakref

    from conftest import person, write_csv
    from dibao_cli.assess.household import iter_results, plan_assessment
    from dibao_cli.reading.roster import read_rosters

    day = dt.date.fromisoformat(DAY)
    roster = read_rosters([write_csv(tmp_path / "r.csv", [person("H1", "甲", "1980-01-01", 经营净收入=1200)])], on_date=day)
    wrong, alive = [], []
    for n in range(60):
        path = write(tmp_path, '[region]\ncode = "632521"\n[parameters.rural_standard_annual]\n'
                     f'"2021-01-01" = {{ value = {5000 + n}, source = "共和县第{n}号文件" }}\n', name=f"p{n}.toml")
        policy = PolicyAt(load_policy("632521", [path]), day)
        result = next(iter_results(plan_assessment(roster, policy, day)))
        basis = next(r.basis for r in result.reasons if r.code == "below_standard")
        if f"标准出处：共和县第{n}号文件（共和县，2021年1月1日起执行）" not in basis:
            wrong.append((n, basis))
        alive.append(weakref.ref(policy))
        del policy, result
        gc.collect()
    assert wrong == []
    # nothing keeps a used policy alive, so no cache can hand one policy's texts to another whose object
    # later takes the same id (whether CPython reuses an id here is up to its allocator: not asserted)
    assert sum(ref() is not None for ref in alive) == 0
