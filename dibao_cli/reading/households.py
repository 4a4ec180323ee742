"""Checks of a household as a whole, once all its members are read."""

from __future__ import annotations

import datetime as _dt
from collections import Counter
from itertools import compress, repeat
from operator import attrgetter, eq, ne
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



def check_households(households, on_date: _dt.date, problem: Callable[..., None], quiet: dict[int, int]) -> None:
    """check_household for each household in order, but for those found quiet (quiet_households) since: with as
    many members as then, a household would give no problem and change nothing."""
    if quiet:  # the others, told apart in loops in C
        households = list(households)
        households = compress(households, map(ne, map(quiet.get, map(id, households)),
                                              map(len, map(_MEMBERS, households))))
    for household in households:
        check_household(household, on_date, problem)


def quiet_households(made: list[Household], owners: list, is_head: list, names: list, births: list,
                     birth_dates: list | None, sexes: list | None, males: list, on_date: _dt.date) -> dict[int, int]:
    """The households of one sheet read by columns in which check_household can find nothing, as {id: number of
    members}: found with passes over the sheet's columns (each member's household position in `made`, or None, and
    its values), each a loop in C. A household is left out when any check might fire; check_household decides."""
    count = len(owners)
    may: set = set()
    head_rows = list(compress(range(count), is_head))
    head_owners = list(map(owners.__getitem__, head_rows))
    heads = dict(zip(head_owners, head_rows))  # household -> its head's row
    heads.pop(None, None)
    if len(heads) != len(made):  # a household without a head
        may.update(set(range(len(made))).difference(heads))
    if len(head_owners) != len(heads):  # several heads
        may.update(k for k, n in Counter(head_owners).items() if n != 1)
    keys = list(heads)
    rows = list(heads.values())
    # a head under MIN_HEAD_AGE was born less than MIN_HEAD_AGE * 366 days before the date
    young = on_date - _dt.timedelta(days=MIN_HEAD_AGE * 366)
    head_births = list(map(births.__getitem__, rows))
    latest = max(filter(None, head_births), default=None)
    if latest is not None and latest > young:
        may.update(k for k, birth in zip(keys, head_births) if birth is not None and birth > young)
    named = list(map(_HEAD_NAME, map(made.__getitem__, keys)))
    if any(named):  # the 户主姓名 column against the head's name (a head without a name is looked at too)
        may.update(compress(compress(keys, named), map(ne, map(names.__getitem__, compress(rows, named)),
                                                       filter(None, named))))
    if birth_dates is not None:
        may.update(owners[i] for i in compress(range(count), map(ne, births, birth_dates))
                   if births[i] is not None and birth_dates[i] is not None)
    if sexes is not None:
        may.update(owners[i] for i in compress(range(count), map(ne, map(eq, sexes, repeat("男")), males))
                   if sexes[i] is not None and males[i] is not None)
    latest = max(filter(None, births), default=None)
    if latest is not None and latest > on_date:
        may.update(owners[i] for i, birth in enumerate(births) if birth is not None and birth > on_date)
    may.discard(None)
    quiet = dict(zip(map(id, made), map(len, map(_MEMBERS, made))))
    for k in may:
        del quiet[id(made[k])]
    return quiet


def quiet_households_by_columns(made: list[Household], owners, heads, names: list | None, births, birth_dates,
                                male_sex, males, on_date: _dt.date) -> dict[int, int] | None:
    """quiet_households from Arrow columns (each member's household position, is-head, ID birth date, birth date
    column, sex column is 男, ID sex; null where a member has no value) when every household has exactly one head;
    None otherwise (then quiet_households tells the households apart)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    head_rows = pc.indices_nonzero(heads)
    head_owners = owners.take(head_rows)
    if head_owners.null_count or len(head_owners) != len(made):
        return None
    if len(made) and not pc.all(pc.equal(head_owners, pc.subtract(
            pc.cumulative_sum(pa.repeat(pa.scalar(1, pa.int64()), len(made))), 1))).as_py():
        return None  # every household one head, the heads in the households' order: head_owners is 0, 1, 2...
    may: set = set()

    def flag(mask) -> None:
        may.update(owners.filter(pc.fill_null(mask, False)).drop_null().to_pylist())

    # a head under MIN_HEAD_AGE was born less than MIN_HEAD_AGE * 366 days before the date
    young = pc.fill_null(pc.greater(births.take(head_rows), pa.scalar(
        on_date - _dt.timedelta(days=MIN_HEAD_AGE * 366), pa.date32())), False)
    may.update(head_owners.filter(young).to_pylist())
    named = list(map(_HEAD_NAME, made))  # the 户主姓名 column
    if any(named):  # against the head's name (a head without a name is looked at too)
        rows = head_rows.to_pylist()
        head_names = map(names.__getitem__, compress(rows, named)) if names is not None else repeat(None)
        may.update(compress(compress(range(len(made)), named), map(ne, head_names, filter(None, named))))
    if birth_dates is not None:
        flag(pc.not_equal(births, birth_dates))
    if male_sex is not None:
        flag(pc.not_equal(male_sex, males))
    flag(pc.greater(births, pa.scalar(on_date, pa.date32())))
    quiet = dict(zip(map(id, made), map(len, map(_MEMBERS, made))))
    for k in may:
        del quiet[id(made[k])]
    return quiet


def quiet_by_codes(made: list, owners, coded: dict, names: list | None, from_ids: tuple, on_date):
    """quiet_households_by_columns from the relation, birth date and sex columns as {attribute: (clean value of
    each code, the codes as an Arrow array)} and the ID numbers' birth dates and sex as Arrow arrays (`from_ids`,
    every number clean); None when a column's values cannot be Arrow values, or not every household has one head."""
    import pyarrow as pa
    import pyarrow.compute as pc

    def per_row(attribute: str, clean, kind):
        values, indices = coded[attribute]
        if indices is None:
            return pa.nulls(len(owners), kind)
        return pa.array([None if value is None else clean(value) for value in values], kind).take(indices)

    try:
        heads = pc.fill_null(per_row("relation", HEAD_RELATIONS.__contains__, pa.bool_()), False) \
            if "relation" in coded else pa.repeat(pa.scalar(False), len(owners))
        dates = per_row("birth_date", lambda value: value, pa.date32()) if "birth_date" in coded else None
        male_sex = per_row("sex", lambda value: value == "男", pa.bool_()) if "sex" in coded else None
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):  # a clean value Arrow does not hold as such
        return None
    return quiet_households_by_columns(made, owners, heads, names, from_ids[0], dates, male_sex, from_ids[1],
                                       on_date)


_MEMBERS = attrgetter("members")
_HEAD_NAME = attrgetter("head_name")
