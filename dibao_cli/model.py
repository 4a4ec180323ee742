"""The data model: a roster's households and members with clean values, as the reader fills them and
the rules, assessments, checks and ledger read them. Nothing here reads a file."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from itertools import repeat
from types import MappingProxyType
from typing import Iterable

from dibao_cli.idcard import age_on
from dibao_cli.problems import ERROR, WARNING, Problem

HOUSEHOLD_FIELDS = (
    "township", "village", "head_name", "area_type", "lifted_out", "deposits", "vehicles", "homes",
    "business", "state", "enrolled_on", "phase_out_start", "last_check", "current_benefit",
)
EMPTY = MappingProxyType({})
NO_HOUSEHOLD = "（未填户编号的人）"


class Member:
    """One person of a household, with clean values (money in integer fen)."""

    __slots__ = (
        "file", "sheet", "row", "name", "id_number", "birth", "male", "relation", "is_head", "sex",
        "birth_date", "ethnicity", "disability_type", "disability_grade", "serious_illness", "labour",
        "student", "co_resident", "tekun", "self_care", "support_mode", "supporter", "school_level", "incomes", "expenses", "extra", "has_error", "household_id",
    )

    def __init__(self, file: str, sheet: str, row: int):
        self.file = file
        self.sheet = sheet
        self.row = row
        self.name = None
        self.id_number = None
        self.birth = None  # from the ID number
        self.male = None  # from the ID number
        self.relation = None
        self.is_head = False
        self.sex = None
        self.birth_date = None
        self.ethnicity = None
        self.disability_type = None
        self.disability_grade = None
        self.serious_illness = None
        self.labour = None
        self.student = None
        self.co_resident = None
        self.tekun = None
        self.self_care = None
        self.support_mode = None
        self.supporter = None
        self.school_level = None
        # shared read-only empties until a value arrives: most members have few items (memory at 1M rows). Once
        # read, a member's items are never changed: the reader by columns gives members with the same items one
        # dictionary (a million rows have a few thousand combinations)
        self.incomes: dict[str, int] = EMPTY  # type: ignore[assignment]
        self.expenses: dict[str, int] = EMPTY  # type: ignore[assignment]
        self.extra: dict[str, object] = EMPTY  # type: ignore[assignment]
        self.has_error = False
        self.household_id = None

    def age(self, day: _dt.date) -> int | None:
        return None if self.birth is None else age_on(self.birth, day)


def members_from_columns(file: str, sheet: str, rows: Iterable[int], columns: dict[str, Iterable]) -> list[Member]:
    """Members made at once from columns of values, one value a member in each (the reader of a sheet by columns):
    the same members as Member(file, sheet, row) with each value set after, in half the time at a million rows. A
    slot without a column keeps Member's starting value."""
    starting = Member("", "", 0)
    values = [columns[slot] if slot in columns else repeat(getattr(starting, slot)) for slot in _FILLED]
    return list(map(_member, repeat(file), repeat(sheet), rows, *values))


_FILLED = Member.__slots__[3:]
_new_member = Member.__new__


def _member(file, sheet, row, name, id_number, birth, male, relation, is_head, sex, birth_date, ethnicity,
            disability_type, disability_grade, serious_illness, labour, student, co_resident, tekun, self_care,
            support_mode, supporter, school_level, incomes, expenses, extra, has_error, household_id) -> Member:
    member = _new_member(Member)
    member.file = file
    member.sheet = sheet
    member.row = row
    member.name = name
    member.id_number = id_number
    member.birth = birth
    member.male = male
    member.relation = relation
    member.is_head = is_head
    member.sex = sex
    member.birth_date = birth_date
    member.ethnicity = ethnicity
    member.disability_type = disability_type
    member.disability_grade = disability_grade
    member.serious_illness = serious_illness
    member.labour = labour
    member.student = student
    member.co_resident = co_resident
    member.tekun = tekun
    member.self_care = self_care
    member.support_mode = support_mode
    member.supporter = supporter
    member.school_level = school_level
    member.incomes = incomes
    member.expenses = expenses
    member.extra = extra
    member.has_error = has_error
    member.household_id = household_id
    return member




class Household:
    """A household: its members and its household-level values (one slot per household column, None
    when the roster leaves it blank)."""

    __slots__ = ("household_id", "file", "sheet", "row", "members", "has_error") + HOUSEHOLD_FIELDS

    def __init__(self, household_id: str, file: str, sheet: str, row: int):
        self.household_id = household_id
        self.file = file
        self.sheet = sheet
        self.row = row  # first row of the household
        self.members: list[Member] = []
        self.has_error = False
        # HOUSEHOLD_FIELDS, each None (spelt out: a loop of setattr costs twice as much at a million households)
        self.township = self.village = self.head_name = self.area_type = self.lifted_out = None
        self.deposits = self.vehicles = self.homes = self.business = self.state = None
        self.enrolled_on = self.phase_out_start = self.last_check = self.current_benefit = None

    @classmethod
    def grouped(cls, household_ids: list[str], file: str, sheet: str, rows: list[int], members: list[list[Member]],
                fields: dict[str, list] | None = None):
        """Households made at once, each with its first row, its members and its value of each of `fields` (one
        value a household by attribute of HOUSEHOLD_FIELDS; None for an attribute not given) (the reader of a sheet
        by columns)."""
        fields = fields or {}
        return list(map(_household, household_ids, repeat(file), repeat(sheet), rows, members,
                        *(fields[name] if name in fields else repeat(None) for name in HOUSEHOLD_FIELDS)))

    def get(self, key: str):
        return getattr(self, key)

    @property
    def head(self) -> Member | None:
        heads = [m for m in self.members if m.is_head]
        return heads[0] if len(heads) == 1 else None

    @property
    def head_label(self):
        """The head's own name, or the 户主姓名 column when the head cannot be told."""
        head = self.head
        return head.name if head is not None else self.head_name


def _household(household_id, file, sheet, row, members, township, village, head_name, area_type, lifted_out,
               deposits, vehicles, homes, business, state, enrolled_on, phase_out_start, last_check,
               current_benefit) -> Household:
    household = _new_household(Household)
    household.household_id = household_id
    household.file = file
    household.sheet = sheet
    household.row = row
    household.members = members
    household.has_error = False
    household.township = township
    household.village = village
    household.head_name = head_name
    household.area_type = area_type
    household.lifted_out = lifted_out
    household.deposits = deposits
    household.vehicles = vehicles
    household.homes = homes
    household.business = business
    household.state = state
    household.enrolled_on = enrolled_on
    household.phase_out_start = phase_out_start
    household.last_check = last_check
    household.current_benefit = current_benefit
    return household


_new_household = Household.__new__


@dataclass
class SheetSummary:
    file: str
    sheet: str
    header_row: int
    data_rows: int
    members: int
    unknown_columns: list[str]
    income_columns: list[str]


@dataclass
class Roster:
    households: dict[str, Household] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    sheets: list[SheetSummary] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    orphans: list[Member] = field(default_factory=list)  # members with a blank 户编号

    @property
    def member_count(self) -> int:
        return sum(len(h.members) for h in self.households.values()) + len(self.orphans)

    def error_count(self) -> int:
        return sum(1 for p in self.problems if p.severity == ERROR)

    def warning_count(self) -> int:
        return sum(1 for p in self.problems if p.severity == WARNING)

    def by_township(self) -> dict[str, tuple[int, int]]:
        out: dict[str, list[int]] = {}
        for household in self.households.values():
            entry = out.setdefault(household.township or "（未填乡镇）", [0, 0])
            entry[0] += 1
            entry[1] += len(household.members)
        table = {k: (v[0], v[1]) for k, v in sorted(out.items())}
        if self.orphans:  # members with a blank 户编号 belong to no household, but they are counted
            table[NO_HOUSEHOLD] = (0, len(self.orphans))
        return table

    def income_items(self) -> list[str]:
        seen: dict[str, None] = {}
        for summary in self.sheets:
            for item in summary.income_columns:
                seen.setdefault(item, None)
        return list(seen)
