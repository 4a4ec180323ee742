"""Planning an assessment: which households can be decided (`pending`) and which are left out with their
problems. Nothing is assessed here (assess/household.py does that)."""

from __future__ import annotations

import datetime as _dt

from dibao_cli.assess.result import Assessment
from dibao_cli.model import Roster
from dibao_cli.policy import PolicyAt
from dibao_cli.problems import ERROR, WARNING, Problem

def unknown_items(roster: Roster, policy: PolicyAt) -> list[str]:
    return [item for item in roster.income_items() if policy.income_item(item) is None]


def plan_assessment(roster: Roster, policy: PolicyAt, day: _dt.date, only: set[str] | None = None) -> Assessment:
    """Sort households into those that can be decided (`pending`) and those left out with their problems.

    Nothing is assessed yet: `assess_roster` assesses and keeps every result (tables, xlsx, explain);
    `iter_results` assesses one household at a time for streamed output (JSON of a whole province)."""
    problems = list(roster.problems)
    by_household: dict[str, list[Problem]] = {}
    for problem in problems:
        if problem.severity == ERROR and problem.household_id:
            by_household.setdefault(problem.household_id, []).append(problem)
    unknown = set(unknown_items(roster, policy))
    for item in sorted(unknown):
        problems.append(Problem("", "", None, item, "", f"收入项目“{item}”不在政策的收入项目中，无法判断是否计入",
                                "在本县政策文件 [income_items] 中写明它计入还是不计入，或把列名改成标准名称",
                                WARNING, "income_item_unknown"))
    assessment = Assessment(policy, day, [], [], problems)
    for household in roster.households.values():
        if only is not None and household.household_id not in only:
            continue
        own = list(by_household.get(household.household_id, []))
        if household.has_error and not own:
            own = [Problem(household.file, household.sheet, household.row, "", "", "本户有错误", "见问题清单")]
        new = []
        if household.area_type is None:
            new.append(Problem(household.file, household.sheet, household.row, "城乡类别", "",
                               "城乡类别为空：不知道适用城市还是农村标准", "填写“城市”或“农村”", ERROR, "area_type_missing",
                               household.household_id))
        if unknown:
            items = sorted({item for m in household.members for item, fen in m.incomes.items() if fen and item in unknown})
            if items:
                new.append(Problem(household.file, household.sheet, household.row, "、".join(items), "",
                                   "有政策未列明的收入项目，本户暂不核算", "在政策文件中写明这些项目计入还是不计入", ERROR,
                                   "income_item_unknown", household.household_id))
        problems.extend(new)
        own.extend(new)
        if own:
            assessment.left_out.append((household, own))
        else:
            assessment.pending.append(household)
    return assessment

