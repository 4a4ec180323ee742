"""Members, households and the province's policy built directly (no file), for calling the rules."""

from __future__ import annotations

import datetime as dt

from dibao_cli.model import Household, Member
from dibao_cli.policy import PolicyAt, load_policy

DAY = dt.date(2026, 11, 30)
_POLICY: dict = {}


def policy() -> PolicyAt:
    """Qinghai's built-in policy at DAY: rural 4800 元/年 (400.00 a month), urban 640 元/月, 分类施保 15 %,
    rounded to the 元, no minimum, 渐退 12 months, 边缘 1.5 x."""
    if "at" not in _POLICY:
        _POLICY["at"] = PolicyAt(load_policy("630000"), DAY)
    return _POLICY["at"]


def member(name="甲", born=dt.date(1980, 6, 15), incomes=None, expenses=None, **values) -> Member:
    m = Member("名册.xlsx", "名册", 2)
    m.name, m.birth = name, born
    m.incomes = dict(incomes or {})
    m.expenses = dict(expenses or {})
    for key, value in values.items():
        setattr(m, key, value)
    return m


def household(*members: Member, area_type="农村", **values) -> Household:
    h = Household("GH001", "名册.xlsx", "名册", 2)
    h.area_type = area_type
    h.members.extend(members)
    for key, value in values.items():
        setattr(h, key, value)
    return h
