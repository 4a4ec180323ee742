"""Checks of a household as a whole, once all its members are read."""

from __future__ import annotations

import datetime as _dt
from typing import Callable

from dibao_cli.model import Household
from dibao_cli.problems import ERROR, WARNING

HEAD_RELATIONS = frozenset(("户主", "本人", "户主本人"))
MIN_HEAD_AGE = 16


def check_household(household: Household, on_date: _dt.date, problem: Callable[..., None]) -> None:
    """Household-level checks once every member is read: one head of age, the head's name, and each member's
    birth date and sex against the ID number. `problem` records (file, sheet, row, column, value, message,
    fix, severity, code, household)."""
    members = household.members
    heads = [m for m in members if m.is_head]
    hid = household.household_id
    if len(heads) != 1:
        if not heads:
            message, fix = "本户没有户主（与户主关系没有“户主”）", "在户主那一行的“与户主关系”填“户主”"
        else:
            message = f"本户有 {len(heads)} 个户主（第 {'、'.join(str(m.row) for m in heads)} 行）"
            fix = "每户只能有一个户主；其他人填与户主的关系"
        problem(household.file, household.sheet, household.row, "与户主关系", "", message, fix, ERROR,
                     "head_count", hid)
        household.has_error = True
    else:
        head = heads[0]
        age = head.age(on_date)
        if age is not None and age < MIN_HEAD_AGE:
            problem(head.file, head.sheet, head.row, "与户主关系", head.relation,
                         f"户主未满 {MIN_HEAD_AGE} 周岁（{age} 岁）", "核对户主；未成年人当户主时请确认监护情况",
                         WARNING, "head_minor", hid)
        named = household.head_name
        if named and head.name and named != head.name:
            problem(head.file, head.sheet, head.row, "户主姓名", named,
                         f"户主姓名与户主本人的姓名“{head.name}”不一致", "核对户主姓名", WARNING, "head_name_mismatch", hid)
    for member in members:
        if member.birth is not None and member.birth_date is not None and member.birth_date != member.birth:
            problem(member.file, member.sheet, member.row, "出生日期", member.birth_date.isoformat(),
                         f"出生日期与身份证号中的 {member.birth.isoformat()} 不一致",
                         "核对原始证件；年龄一律按身份证号计算", ERROR, "birth_mismatch", hid)
            household.has_error = True
        if member.male is not None and member.sex is not None and (member.sex == "男") != member.male:
            problem(member.file, member.sheet, member.row, "性别", member.sex,
                         f"性别与身份证号（第17位表示{'男' if member.male else '女'}）不一致", "核对原始证件",
                         ERROR, "sex_mismatch", hid)
            household.has_error = True
        if member.birth is not None and member.birth > on_date:
            problem(member.file, member.sheet, member.row, "身份证号", member.id_number,
                         "身份证号中的出生日期晚于核查日期", "核对原始证件", ERROR, "id_birth_future", hid)
            household.has_error = True
