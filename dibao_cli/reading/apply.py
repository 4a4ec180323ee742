"""Cell values put on members and households, and the problems found on the way: the steps both roster readers
(the row reader and the columnar one) take for one row, so that both report the same problems in the same words.

`problem` is the reader's recorder and `where` the leading arguments it takes before (column, value, message,
fix, severity, code, household): (file, sheet, row) for the row reader; the columnar reader puts the row's
position and step in front, to sort its problems into the row reader's order.
"""

from __future__ import annotations

import datetime as _dt

from dibao_cli import cells
from dibao_cli.idcard import IdError, clean_id18, parse_id
from dibao_cli.model import EMPTY, Household
from dibao_cli.problems import ERROR, WARNING

# where a member-level value goes: an attribute of Member, an income item or an expense item
ATTRIBUTE, INCOME, EXPENSE = range(3)


def show(value) -> str:
    """A household value as a message quotes it."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value)


def target_of(slot) -> tuple[int, str]:
    """(ATTRIBUTE, INCOME or EXPENSE, the attribute or item name) of a member-level slot."""
    if slot.attr is not None:
        return ATTRIBUTE, slot.attr
    if slot.key.startswith("income:"):
        return INCOME, slot.key[7:]
    return EXPENSE, slot.key[8:]


def add_amount(member, target: int, name: str, value) -> None:
    """An income or expense item that is not 0 (a zero changes no sum and lists nothing: no dict for it)."""
    if target == INCOME:
        if member.incomes is EMPTY:
            member.incomes = {}
        member.incomes[name] = value
    else:
        if member.expenses is EMPTY:
            member.expenses = {}
        member.expenses[name] = value


def household_number(raw):
    """The household number of a cell; raises cells.CellError for a cell that is not one."""
    if type(raw) is not str or raw[:1] in cells.SUSPECT:
        cells.refuse_bad(raw)
    return cells.text(raw)


def cell_error(problem, where, slot, raw, error, household_id, owner) -> None:
    """Report a cell that could not be read; an error marks `owner` (the member or the household)."""
    problem(*where, slot.header, raw, error.message, error.fix, error.severity, error.code, household_id)
    if error.severity == ERROR:
        owner.has_error = True


def check_name(problem, where, slot, raw_name, member, household_id) -> None:
    """A member read without a name: reported unless the name cell was refused already."""
    if not cells.is_bad(raw_name):
        problem(*where, slot.header, "", "姓名为空", "填写成员姓名", ERROR, "name_missing", household_id)
        member.has_error = True


def read_id(problem, where, file, slot, raw, member, household_id, seen_ids: dict) -> None:
    """Parse one ID number cell onto the member, report it if bad, upgraded or already seen."""
    if type(raw) is str:  # a clean 18-character number (nearly every row): no IdInfo, one look-up of the number
        clean = clean_id18(raw)
        if clean is not None:
            number = member.id_number = clean[0]
            member.birth = clean[1]
            member.male = clean[2]
            previous = seen_ids.setdefault(number, member)
            if previous is not member:
                duplicate_id(problem, where, file, slot, raw, member, household_id, previous)
            return
    try:
        if type(raw) is not str or raw[:1] in cells.SUSPECT:
            cells.refuse_bad(raw)
        info = parse_id(raw)
    except (cells.CellError, IdError) as exc:
        problem(*where, slot.header, raw, exc.message, exc.fix, ERROR, exc.code, household_id)
        member.has_error = True
        return
    member.id_number = info.number
    member.birth = info.birth
    member.male = info.male
    if info.upgraded:
        problem(*where, slot.header, raw, f"15位旧身份证号，已按国家标准升为18位：{info.number}",
                "在名册中改填18位号码", WARNING, "id_upgraded", household_id)
    previous = seen_ids.get(info.number)
    if previous is None:
        seen_ids[info.number] = member
        return
    duplicate_id(problem, where, file, slot, raw, member, household_id, previous)


def duplicate_id(problem, where, file, slot, raw, member, household_id, previous) -> None:
    """Report an ID number already read for `previous`."""
    p_file, p_line, p_household = previous.file, previous.row, previous.household_id or ""
    if p_file != file:
        place, code = f"另一个文件 {p_file} 第 {p_line} 行", "id_duplicate_file"
    elif p_household == (household_id or ""):
        place, code = f"本户第 {p_line} 行", "id_duplicate_household"
    else:
        place, code = f"第 {p_line} 行（户编号 {p_household}）", "id_duplicate_other_household"
    problem(*where, slot.header, raw, f"身份证号重复：与{place}相同", "同一人只能登记一次；删除重复的行",
            ERROR, code, household_id)
    member.has_error = True


def join_household(roster, problem, where, slot, member, household_id, hid_bad: bool):
    """Put the member in its household (made at its first member), or among the orphans when it has no
    household number; returns the household, or None."""
    if household_id is None:
        if not hid_bad:
            problem(*where, slot.header, "", "户编号为空：不知道此人属于哪一户",
                    "填写户编号（同一户的成员填同一个编号，可合并单元格）", ERROR, "household_id_missing")
        member.has_error = True
        roster.orphans.append(member)
        return None
    households = roster.households
    household = households.get(household_id)
    if household is None:
        household = Household(household_id, member.file, member.sheet, member.row)
        households[household_id] = household
    elif household.file != member.file:
        problem(*where, slot.header, household_id, f"户编号与另一文件 {household.file} 中的一户相同",
                "核对户编号；同一户只应出现在一个名册中", WARNING, "household_in_two_files", household_id)
    household.members.append(member)
    if member.has_error:
        household.has_error = True
    return household


def household_cell(problem, where, slot, raw, value, household, household_id) -> None:
    """Put a household-level cell's value on the household; a value other than the one an earlier row of the
    household gave is a conflict."""
    if type(value) is cells.CellError:
        cell_error(problem, where, slot, raw, value, household_id, household)
        return
    if value is None:
        return
    previous = getattr(household, slot.key)
    if previous is None:
        setattr(household, slot.key, value)
    elif previous != value:
        problem(*where, slot.header, raw, f"同一户内不一致：本户前面的行是“{show(previous)}”",
                "户级信息只填在户主行，或每行填同样的值", ERROR, "household_conflict", household_id)
        household.has_error = True
