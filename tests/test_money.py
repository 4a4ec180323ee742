"""One money module: parsing to fen, the policy's rounding (half up), display; the parts shown for a benefit
always add up to the amount shown and paid (property-based, through the real reader, rules and outputs)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import DAY, person, write_csv
from dibao_cli import money
from dibao_cli.reports.assess import household_dict
from dibao_cli.assess.household import assess_roster
from dibao_cli.policy.config import choose_policy
from dibao_cli.documents.issue import default_issuer
from dibao_cli.documents.notices import notice_from_result
from dibao_cli.policy import PolicyAt
from dibao_cli.reading.roster import read_rosters

UNITS = {"元": Decimal("1"), "角": Decimal("0.1"), "分": Decimal("0.01")}
amounts = st.decimals(min_value=0, max_value=100_000, places=6, allow_nan=False, allow_infinity=False)


def test_display_rounds_half_up_like_the_benefit():
    """390.005 was shown as 390.00 (half even) beside a benefit of 390.01 (half up)."""
    assert Decimal("390.005").quantize(Decimal("0.01"), ROUND_HALF_EVEN) == Decimal("390.00")  # the old display
    assert money.yuan(Decimal("390.005")) == "390.01" and money.plain(Decimal("1234.565")) == "1234.57"
    assert money.yuan(Decimal("1234.565")) == "1,234.57" and money.fen_yuan(Decimal("12345.5")) == "123.46"
    assert money.fen_text(-3301) == "-33.01" and money.fen_text(123456789, grouping=False) == "1234567.89"


def test_parse_fen_accepts_plain_amounts_only():
    assert [money.parse_fen(t) for t in ("1200", "1200.5", "0.05", "-3.25")] == [120000, 120050, 5, -325]
    for text in ("6000,50", "6000 2400", "1e2", "1_200", "1.005", "", "元"):
        with pytest.raises(ValueError):
            money.parse_fen(text)


def test_390_01_is_shown_as_390_01_with_parts_that_add_up():
    b = money.breakdown(Decimal("390.005"), Decimal(0), money.round_to_unit(Decimal("390.005"), UNITS["分"]))
    assert (b.text(), b.equation()) == ("差额 390.01 元，分类施保 0.00 元", "差额 390.01 + 分类施保 0.00 = 390.01 元")
    b = money.breakdown(Decimal("200.004"), Decimal("190.004"), Decimal("390.01"))
    assert b.text() == "差额 200.00 元，分类施保 190.00 元，取整 0.01 元"
    b = money.breakdown(Decimal("12"), Decimal("6.5"), Decimal("30.00"), minimum=Decimal("30"))
    assert b.equation() == "差额 12.00 + 分类施保 6.50 + 补足每户最低金额 11.50 = 30.00 元"


@given(differential=amounts, classified=amounts, unit=st.sampled_from(sorted(UNITS.values())),
       minimum=st.sampled_from([Decimal(0), Decimal(10), Decimal(30), Decimal("55.5")]))
def test_breakdown_parts_always_add_up_to_the_one_rounded_total(differential, classified, unit, minimum):
    exact = differential + classified
    raised = minimum if Decimal(0) < exact < minimum else exact
    total = money.round_to_unit(raised, unit)
    b = money.breakdown(differential, classified, total, minimum if raised is minimum and minimum else None)
    assert b.differential + b.classified + b.minimum_top_up + b.rounding == b.total == money.to_fen(total)
    assert total == raised.quantize(unit, rounding=ROUND_HALF_UP)  # rounded once, half up, to the policy's unit
    assert b.differential == money.to_fen(differential) and b.classified == money.to_fen(classified)
    shown = [Decimal(text.split()[1].replace(",", "")) for text in b.text().split("，")]
    assert sum(shown) == Decimal(money.fen_text(b.total, grouping=False))


POLICIES: dict[tuple[str, int], object] = {}


def _policy(folder, unit: str, minimum: int):
    key = (unit, minimum)
    if key not in POLICIES:
        path = folder / f"632521-{unit}-{minimum}.toml"
        path.write_text('[region]\ncode = "632521"\n'
                        f'[parameters.rounding]\n"2020-01-01" = {{ value = "{unit}", source = "本县文件" }}\n'
                        f'[parameters.minimum_monthly_benefit]\n"2020-01-01" = {{ value = {minimum}, source = "本县文件" }}\n',
                        encoding="utf-8")
        POLICIES[key] = PolicyAt(choose_policy("632521", [path]), dt.date.fromisoformat(DAY))
    return POLICIES[key]


member = st.tuples(st.integers(1940, 2024),  # birth year: 老年 and 未成年 get 分类施保
                   st.integers(0, 900_000),  # wages, fen a year
                   st.integers(0, 400_000),  # business income, fen a year
                   st.sampled_from([None, 1, 2, 3]))  # disability grade
household = st.lists(member, min_size=1, max_size=6)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(households=st.lists(household, min_size=1, max_size=6), unit=st.sampled_from(list(UNITS)),
       minimum=st.sampled_from([0, 30]), area=st.sampled_from(["农村", "城市"]))
def test_shown_parts_add_up_to_the_shown_total_for_every_household(tmp_path_factory, households, unit, minimum, area):
    """Through the real reader, rules, JSON, explain and notices: 差额 + 分类施保 (+ 补足, + 取整) = 月保障金."""
    folder = tmp_path_factory.getbasetemp()
    rows, n = [], 0
    for h, members in enumerate(households):
        for m, (year, wages, business, grade) in enumerate(members):
            extra = {"工资性收入": f"{wages / 100:.2f}", "经营净收入": f"{business / 100:.2f}"}
            if grade:
                extra |= {"残疾类别": "肢体", "残疾等级": grade}
            n += 1
            rows.append(person(f"H{h}", f"人{h}-{m}", f"{year}-06-15", "户主" if m == 0 else "子女", seq=100 + n,
                               area_type=area, **extra))
    path = write_csv(folder / "roster.csv", rows)
    policy = _policy(folder, unit, minimum)
    day = dt.date.fromisoformat(DAY)
    assessment = assess_roster(read_rosters([path], on_date=day), policy, day, trace=True)
    assert not assessment.left_out
    issuer = default_issuer("632521", day, None, None, None, None)
    for r in assessment.results:
        event(r.status)
        shown = household_dict(r)["monthly_benefit"]
        parts = sum(Decimal(shown[k]) for k in ("differential", "classified", "minimum_top_up", "rounding"))
        if r.status in ("dibao", "single_person"):
            assert parts == Decimal(shown["total"]), shown
            assert r.total == r.total.quantize(UNITS[unit]) and r.total >= 0
            steps = {s.title: s.lines for s in r.steps}
            if r.status == "dibao":
                assert steps["月保障金"][-1] == f"月保障金 = {r.breakdown.equation()}"
                assert f"：{money.yuan(r.total)} 元/月" in steps["月保障金"][-2]
            notice = notice_from_result(r, "approval", issuer, "共和民低〔2026〕1号")
            assert sum(Decimal(t.split()[1].replace(",", "")) for t in notice["breakdown"].split("，")) == \
                Decimal(notice["total"].replace(",", ""))
        else:
            assert shown["minimum_top_up"] == shown["rounding"] == "0.00"


@given(fen=st.integers(-10**12, 10**12))
def test_fen_text_and_parse_fen_round_trip(fen):
    assert money.parse_fen(money.fen_text(fen, grouping=False)) == fen
    assert money.to_fen(Decimal(fen) / 100) == fen and money.fen_to_fen(Decimal(fen)) == fen
    assert money.fen_text(fen).replace(",", "") == money.fen_text(fen, grouping=False) == money.plain(Decimal(fen) / 100)


@given(amount=st.decimals(min_value=-10**6, max_value=10**6, places=5, allow_nan=False, allow_infinity=False))
def test_display_is_the_half_up_rounding_of_the_exact_amount(amount):
    shown = Decimal(money.plain(amount))
    assert shown == amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert abs(shown - amount) <= Decimal("0.005")


def _shown_sum(equation: str) -> tuple[Decimal, Decimal]:
    """(sum of the parts, total) of "差额 200.30 + 分类施保 190.30 + 取整 0.40 = 391.00 元"."""
    terms, total = equation.removesuffix(" 元").rsplit(" = ", 1)
    parts = [Decimal(term.split()[-1].replace(",", "")) for term in terms.split(" + ")]
    return sum(parts, Decimal(0)), Decimal(total.replace(",", ""))


person_values = st.tuples(st.integers(1940, 2024),  # birth year: 老年 and 未成年 get 分类施保
                          st.integers(0, 900_000),  # wages, fen a year
                          st.integers(0, 400_000),  # business income, fen a year
                          st.sampled_from([None, 1, 2, 3]),  # disability grade
                          st.booleans())  # serious illness


@settings(max_examples=60, deadline=None)
@given(people=st.lists(person_values, min_size=1, max_size=6), unit=st.sampled_from(list(UNITS)),
       minimum=st.sampled_from([0, 30]), area=st.sampled_from(["农村", "城市"]))
def test_explain_and_json_show_the_same_total_and_parts_that_add_up(tmp_path_factory, people, unit, minimum, area):
    """Households built from the data model, assessed with a trace, rendered as `dibao explain` and as JSON: the
    parts shown (差额 + 分类施保 + 补足最低金额 + 取整) add up to the total shown, and explain's 月保障金 is the JSON
    total (the "合计 390.00 … 390.01" contradiction cannot be written)."""
    from dibao_cli.assess.household import Assessment, assess_household
    from dibao_cli.documents.templating import render
    from dibao_cli.model import Household, Member
    from dibao_cli.policy.loader import region_name
    from dibao_cli.reports.assess import policy_block

    day = dt.date.fromisoformat(DAY)
    policy = _policy(tmp_path_factory.getbasetemp(), unit, minimum)
    h = Household("H1", "名册.xlsx", "名册", 2)
    h.area_type = area
    for i, (year, wages, business, grade, ill) in enumerate(people):
        m = Member("名册.xlsx", "名册", 2 + i)
        m.name, m.birth, m.relation, m.is_head = f"人{i}", dt.date(year, 6, 15), "户主" if i == 0 else "子女", i == 0
        m.incomes = {"工资性收入": wages, "经营净收入": business}
        m.disability_type, m.disability_grade, m.serious_illness = ("肢体" if grade else None), grade, ill or None
        h.members.append(m)
    r = assess_household(h, policy, day, trace=True)
    event(r.status)
    d = household_dict(r)
    block = policy_block(Assessment(policy, day, [r], [], []))
    text = render("explain.txt.j2", r=r, d=d, policy=block, region_name=region_name(block["region"]))
    shown = d["monthly_benefit"]
    parts = sum(Decimal(shown[k]) for k in ("differential", "classified", "minimum_top_up", "rounding"))
    if r.status not in ("dibao", "single_person"):
        assert shown["minimum_top_up"] == shown["rounding"] == "0.00"
        return
    assert parts == Decimal(shown["total"])
    conclusion = next(line for line in text.splitlines() if line.startswith("  月保障金："))
    # explain's total is the JSON total, written as the text's other amounts (thousands separated)
    assert conclusion.startswith(f"  月保障金：{Decimal(shown['total']):,.2f} 元（")
    assert conclusion.endswith(f"（{r.breakdown.text()}）")
    if r.status == "dibao":
        equation = next(line for line in text.splitlines() if line.startswith("  月保障金 = "))
        total_line = next(line for line in text.splitlines() if line.startswith("  合计 "))
        added, total = _shown_sum(equation.removeprefix("  月保障金 = "))
        assert added == total == Decimal(shown["total"])
        assert total_line.endswith(f"：{money.yuan(total)} 元/月")
        record = r.trace.get("benefit")  # the text was rendered from this record, which holds the figures
        assert (record.result.total, record.result.breakdown) == (r.total, r.breakdown)
    else:
        for single in d["single_person"]:
            reason = next(x["text"] for x in d["reasons"] if x["code"] == "single_person" and single["name"] in x["text"])
            added, total = _shown_sum(reason.rsplit("，", 1)[1].removesuffix("/月"))
            assert added == total == Decimal(single["total"])
