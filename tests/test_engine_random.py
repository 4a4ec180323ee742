"""Random households, decided on columns where the columnar engine can and one at a time elsewhere: the JSON is
byte for byte the per-household engine's (states, phase-outs, 特困, property, deductions, ages, co-residence and
hostile names all drawn at random)."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from dibao_cli.assess.household import _income_items, plan_assessment
from dibao_cli.assess.vector import assess_block
from dibao_cli.cli.common import resolve
from dibao_cli.model import Household, Member, Roster
from dibao_cli.reports import assess as assess_report
from test_engine import COUNTY

DAY = dt.date(2026, 11, 30)
POLICIES = {"province": resolve(None, (), DAY), "county": resolve("632521", (COUNTY,), DAY)}
# phase-out starts at the edges of a 12 months' period on DAY: last day in, first day out, starting today, Feb 29
PHASE_OUT_EDGES = (dt.date(2025, 12, 1), dt.date(2025, 11, 30), DAY, dt.date(2024, 2, 29), dt.date(2025, 11, 29))
ITEMS = ("工资性收入", "经营净收入", "转移净收入", "基础养老金", "高龄津贴", "草原生态保护补助奖励")

names = st.text(alphabet=st.sampled_from('王李"\\\n\t卓玛 a\x01'), min_size=1, max_size=4)
fen = st.one_of(st.integers(0, 200_000), st.integers(-500_000, 10**8), st.sampled_from((0, 1, 5, 50, 123456)))


@st.composite
def members(draw, index, band):
    m = Member("随机.xlsx", "名册", index)
    m.name = draw(names)
    m.birth = draw(st.one_of(st.none(), st.dates(dt.date(1920, 1, 1), dt.date(2026, 11, 30))))
    m.is_head = draw(st.booleans())
    m.labour = draw(st.sampled_from((None, "有", "无", "完全丧失", "部分丧失")))
    m.disability_grade = draw(st.sampled_from((None,) * 6 + (1, 2, 3, 4)))
    m.disability_type = draw(st.sampled_from((None, "肢体", "精神", "智力")))
    m.serious_illness = draw(st.sampled_from((None, None, None, False, True)))
    m.co_resident = draw(st.sampled_from((None, True, True, False)))
    m.tekun = draw(st.sampled_from((None,) * 8 + (False, False, True)))
    m.incomes = draw(st.dictionaries(st.sampled_from(ITEMS), fen, max_size=3))
    m.incomes["经营净收入"] = draw(st.integers(*band))  # the household's band: below, near or above the lines
    if draw(st.integers(0, 19)) == 0:
        m.expenses = {"医疗支出": draw(fen)}
    return m


@st.composite
def households(draw, index):
    h = Household(f"R{index:03d}", "随机.xlsx", "名册", index)
    h.township = draw(st.sampled_from((None, "恰卜恰镇", 'a"b')))
    h.village = draw(st.sampled_from((None, "西台村")))
    h.head_name = draw(st.one_of(st.none(), names))
    h.area_type = draw(st.sampled_from(("农村", "城市")))
    h.state = draw(st.sampled_from((None, "低保", "低保", "无", "边缘", "渐退期", "渐退期", "单人户", "刚性支出")))
    h.current_benefit = draw(st.one_of(st.none(), st.integers(0, 200_000)))
    # a running phase-out: any start, and the starts whose 12 months end on the day, the day before, today
    h.phase_out_start = draw(st.one_of(st.none(), st.none(), st.dates(dt.date(2024, 1, 1), dt.date(2027, 3, 1)),
                                       st.sampled_from(PHASE_OUT_EDGES)))
    h.lifted_out = draw(st.sampled_from((None, None, False, False, True)))
    h.deposits = draw(st.one_of(st.none(), st.none(), st.integers(0, 1_500_000)))
    h.vehicles = draw(st.sampled_from((None, 0, 0, 0, 1)))
    h.homes = draw(st.sampled_from((None, 1, 2)))
    h.business = draw(st.sampled_from((None, False, True)))
    band = draw(st.sampled_from(((0, 200_000), (400_000, 800_000), (600_000, 1_200_000), (1_000_000, 10**7))))
    h.members = [draw(members(index * 10 + i, band)) for i in range(draw(st.integers(1, 5)))]
    return h


@st.composite
def rosters(draw):
    roster = Roster()
    for index in range(draw(st.integers(1, 8))):
        household = draw(households(index))
        roster.households[household.household_id] = household
    return roster


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(roster=rosters(), which=st.sampled_from(sorted(POLICIES)))
def test_random_households_give_the_same_json_from_both_engines(roster, which):
    policy = POLICIES[which]
    assessment = plan_assessment(roster, policy, DAY)
    for d in assess_block(assessment.pending, policy, DAY, _income_items(policy)):
        event(f"columnar: {d.status}" if d is not None else "per household")
    columnar = assess_report.as_json(plan_assessment(roster, policy, DAY))
    per_household = b"".join(assess_report.json_chunks(plan_assessment(roster, policy, DAY), columnar=False))
    assert columnar == per_household
