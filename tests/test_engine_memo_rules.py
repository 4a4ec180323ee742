"""What the columnar engine works out once per distinct input (assess/columns.py `Memo`: each member's income parts,
each household's employment deduction; assess/vector.py: a household's figures and its 低保 benefit) and writes
without orjson (reports/assess_json.py `_string`) is what the rules and orjson give each time: on inputs drawn by
hypothesis under both policies, for any state, exactly (the Decimals' own digits too, not just their values)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dibao_cli.assess import explain
from dibao_cli.assess.columns import Memo, frame, household_employment, member_parts, simple_household
from dibao_cli.assess.household import _income_items
from dibao_cli.assess.vector import _benefits, _figures
from dibao_cli.model import Member
from dibao_cli.money import breakdown
from dibao_cli.reports.assess_json import _string
from dibao_cli.rules import decision as rules
from dibao_cli.rules.benefit import classified, differential, round_benefit, with_minimum
from dibao_cli.rules.income import (ItemKinds, adjusted_income, employment_deduction, income_parts, member_income,
                                    rigid_deduction)
from dibao_cli.status import STATES
from test_engine_random import POLICIES, households

ITEMS = ("工资性收入", "经营净收入", "转移净收入", "基础养老金", "高龄津贴", "草原生态保护补助奖励", "未列入的项目")
AREAS = ("农村", "城市")
fen = st.one_of(st.integers(-500_000, 10**8), st.sampled_from((0, 1, 5, 123456, 2_400_000)))
wages = st.one_of(st.none(), st.lists(st.integers(1, 10**8), min_size=1, max_size=4).map(tuple))
which = st.sampled_from(sorted(POLICIES))


def same(a, b) -> bool:
    """Equal and written alike (a Decimal's exponent shows in its text)."""
    return a == b and str(a) == str(b) and type(a) is type(b)


def _wage_members(area_wages) -> list:
    members = []
    for wage in area_wages or ():
        m = Member("名册.xlsx", "名册", 2)
        m.incomes = {"工资性收入": wage}
        members.append(m)
    return members


def _employment(wage_fen, area, policy):
    """The household's employment deduction as the per-household path adds it up (assess/household.py)."""
    total = Decimal(0)
    for m in _wage_members(wage_fen):
        total += employment_deduction(member_income(m, policy), area, policy)
    return total


@settings(max_examples=300, deadline=None)
@given(incomes=st.lists(st.dictionaries(st.sampled_from(ITEMS), fen, max_size=4), min_size=1, max_size=6), name=which)
def test_memoised_income_parts_are_the_rules(incomes, name):
    policy = POLICIES[name]
    lookup = _income_items(policy)
    parts = member_parts(policy, lookup)
    for items in incomes * 2:  # the second time from the memo
        assert parts[tuple(items.items())] == income_parts(items, ItemKinds(lookup))


@settings(max_examples=300, deadline=None)
@given(wage_fen=wages.filter(lambda w: w is not None), area=st.sampled_from(AREAS), name=which)
def test_a_memoised_employment_deduction_is_the_members_deductions_added_up(wage_fen, area, name):
    policy = POLICIES[name]
    for _ in range(2):
        assert same(household_employment(policy)[(area, wage_fen)], _employment(wage_fen, area, policy))


@settings(max_examples=250, deadline=None)
@given(area=st.sampled_from(AREAS), n=st.integers(1, 8), counted=st.integers(-10**6, 10**8), wage_fen=wages,
       state=st.sampled_from((None, *STATES)), name=which)
def test_memoised_figures_are_the_rules_for_any_state(area, n, counted, wage_fen, state, name):
    policy = POLICIES[name]
    rigid = rigid_deduction((), policy)
    employment = _employment(wage_fen, area, policy)
    adjusted = adjusted_income(counted, employment, rigid)
    annual = explain.standard(policy, area)[0]
    branch = rules.branches([adjusted], [annual], [n], [state], policy.marginal_multiplier)[0]
    for _ in range(2):
        got = _figures(policy, rigid)[(area, n, counted, wage_fen, rules.currently_dibao(state))]
        assert same(got[0], employment) and same(got[1], adjusted) and same(got[2], adjusted / (1200 * n))
        assert got[3] == branch


@settings(max_examples=250, deadline=None)
@given(area=st.sampled_from(AREAS), n=st.integers(1, 8), counted=st.integers(0, 10**7), wage_fen=wages,
       persons=st.integers(0, 8), name=which)
def test_a_memoised_benefit_is_the_rules(area, n, counted, wage_fen, persons, name):
    policy = POLICIES[name]
    rigid = rigid_deduction((), policy)
    adjusted = adjusted_income(counted, _employment(wage_fen, area, policy), rigid)
    annual = explain.standard(policy, area)[0]
    diff = differential(annual, adjusted, n, n)
    extra = classified(annual, policy.classified_share, persons)
    raised, applied = with_minimum(diff + extra, policy.minimum_monthly_benefit)
    total = round_benefit(raised, policy.rounding)
    parts = breakdown(diff, extra, total, policy.minimum_monthly_benefit if applied else None)
    for _ in range(2):
        got_total, got_parts = _benefits(policy, rigid)[(area, n, counted, wage_fen, persons)]
        assert same(got_total, total) and got_parts == parts


class _Tiny(Memo):
    LIMIT = 3


def test_a_full_rule_memo_is_emptied_and_still_gives_the_rule():
    memo = _Tiny(lambda x: x * 3)
    for x in list(range(20)) * 2:
        assert memo[x] == 3 * x
        assert len(memo) <= _Tiny.LIMIT


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(homes=st.lists(st.integers(0, 999).flatmap(households), min_size=1, max_size=6), name=which)
def test_the_frame_sorts_every_household_as_the_rules_do(homes, name):
    """`frame`'s simple households are `simple_household`'s, with each member's income parts added up."""
    policy = POLICIES[name]
    lookup = _income_items(policy)
    cols = frame(homes, policy, lookup)
    kinds = ItemKinds(lookup)
    for h, members, simple, counted, excluded, wage_fen in zip(homes, cols.members, cols.simple, cols.counted,
                                                              cols.excluded, cols.wages):
        assert members == [m for m in h.members if m.co_resident is not False]
        assert simple == simple_household(h, members)
        if not simple:
            continue
        parts = [income_parts(m.incomes, kinds) for m in members if m.incomes]
        assert counted == sum(p[0] for p in parts)
        assert wage_fen == (tuple(p[1] for p in parts if p[1] > 0) or None)
        merged: dict = {}
        for p in parts:
            for item, value in (p[2] or {}).items():
                merged[item] = merged.get(item, 0) + value
        assert excluded == (merged or None)


texts = st.one_of(st.text(), st.text(alphabet=st.sampled_from('王 a"\\\n\t\x01\x7f\u2028\u00a0é😀/')), st.none())


@settings(max_examples=500, deadline=None)
@given(texts)
def test_strings_written_without_orjson_are_orjsons_text(value):
    assert _string(value) == orjson.dumps(value)


def test_strings_orjson_escapes_are_left_to_it():
    for value in ('a"b', "a\\b", "a\nb", "\x00", "\x1f", "户主\t", "", "卓玛", "\u2028", None):
        assert _string(value) == orjson.dumps(value)
