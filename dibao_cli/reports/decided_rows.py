"""The workbook rows (户明细, 成员明细) of a household the columnar engine decided (assess/decided_result.py
`DecidedResult`), made with memos: a province's members share a few hundred income patterns, relations,
disability entries and birth dates, so each member's figures and texts are worked out by the rules once per
distinct value and looked up after. The rows are equal, cell for cell and type for type, to what
assess_sheets.household_row and member_rows make of the same result with its members' figures
(tests/test_output_decided_rows.py)."""

from __future__ import annotations

from decimal import Decimal

from dibao_cli import money
from dibao_cli.reports.assess import f2y, y
from dibao_cli.reports.assess_sheets import _fen_float, _fen_number, _yuan_float, household_row
from dibao_cli.rules.income import employment_deduction, member_income
from dibao_cli.rules.members import classified_categories
from dibao_cli.status import COVERED, DIBAO, SINGLE_PERSON
from dibao_cli.status import LABEL as STATUS_LABEL

MEMO_LIMIT = 50_000  # distinct keys kept per memo (a roster of all-different incomes keeps memory flat)
_NO_FIGURES = (None, None, None)


def _fen_cell(fen) -> float:
    """assess_sheets._fen_number, with nothing to round for none (0, or a Decimal zero: 0.0 either way)."""
    if type(fen) is int:
        return fen / 100
    return _fen_number(fen) if fen else 0.0


def _fen_text(fen) -> str:
    """y(fen / 100) as household_row shows a figure in fen: for whole fen, f2y's text of them."""
    if type(fen) is int:
        return f2y(fen)
    return y(fen / 100) if fen else "0.00"


def _yuan_cell(amount) -> float:
    """The cell household_row shows for an exact part without a breakdown: its yuan text's number."""
    return money.number(Decimal(money.plain(amount))) if amount else 0.0


class DecidedRows:
    """Makes the rows of decided households for one assessment (its policy, day and ID mask)."""

    def __init__(self, policy, day, mask, lookup):
        self.policy, self.day, self.mask, self.lookup = policy, day, mask, lookup
        self.incomes: dict = {}  # (income items, area type) -> the member's three figures
        self.texts: dict = {}  # the member's own entries -> their six cells
        self.ages: dict = {}  # birth date -> age on the day
        self.categories: dict = {}  # (disability grade, serious illness, age) -> 分类施保 categories
        self.standards: dict = {}  # annual standard (fen) -> the monthly standard's cell
        self.numbers: dict = {}  # an exact amount in yuan -> its cell (money.number)

    def household(self, r) -> list:
        """household_row(r, numeric=True) for a DecidedResult."""
        b = r.breakdown
        if b is None:  # not 低保: the parts are the exact sums (none: "0.00"), no top-up, no rounding
            differential, classified, adjustment = _yuan_cell(r.differential), _yuan_cell(r.classified), 0.0
        elif type(b.differential) is int and type(b.classified) is int and type(b.minimum_top_up) is int \
                and type(b.rounding) is int:  # whole fen shown in yuan: that fen over 100 (see _fen_number)
            differential, classified = b.differential / 100, b.classified / 100
            adjustment = (b.minimum_top_up + b.rounding) / 100
        else:
            return household_row(r, numeric=True)
        h = r.household
        standard = self.standards.get(r.annual_standard)
        if standard is None:
            if len(self.standards) >= MEMO_LIMIT:
                self.standards.clear()
            standard = self.standards[r.annual_standard] = money.number(r.annual_standard / 1200)
        numbers = self.numbers  # an amount's cell depends on its value only (a province has a few thousand)
        if len(numbers) >= MEMO_LIMIT:
            numbers.clear()
        per_capita = numbers.get(r.per_capita)
        if per_capita is None:
            per_capita = numbers[r.per_capita] = money.number(r.per_capita)
        total = None
        if r.benefit_known:
            total = numbers.get(r.total)
            if total is None:
                total = numbers[r.total] = money.number(r.total)
        status = r.status
        excluded = r.excluded
        return [h.household_id, h.township or "", h.village or "", h.head_label or "", r.area_type,
                len(r.members), len(r.covered) if status in COVERED else 0, STATUS_LABEL[status],
                _fen_cell(r.counted), _fen_cell(sum(excluded.values()) if excluded else 0),
                _fen_cell(r.employment_deduction), _fen_cell(r.rigid_deduction), _fen_cell(r.adjusted),
                per_capita, standard, differential, classified, adjustment, total,
                r.phase_out_start.isoformat() if r.phase_out_start else "",
                r.phase_out_end.isoformat() if r.phase_out_end else "",
                "；".join([x.text for x in r.reasons]), "；".join([x.text for x in r.flags])]

    def household_text(self, r) -> list:
        """household_row(r) (the CSV's row, money as text) for a DecidedResult."""
        b = r.breakdown
        if b is None:
            differential = y(r.differential) if r.differential else "0.00"
            classified = y(r.classified) if r.classified else "0.00"
            adjustment = "0.00"
        elif type(b.differential) is int and type(b.classified) is int and type(b.minimum_top_up) is int \
                and type(b.rounding) is int:
            differential, classified = f2y(b.differential), f2y(b.classified)
            adjustment = y(Decimal(f2y(b.minimum_top_up)) + Decimal(f2y(b.rounding))) \
                if b.minimum_top_up or b.rounding else "0.00"
        else:
            return household_row(r)
        h = r.household
        key = ("text", r.annual_standard)
        standard = self.standards.get(key)
        if standard is None:
            if len(self.standards) >= MEMO_LIMIT:
                self.standards.clear()
            standard = self.standards[key] = y(r.monthly_standard)
        status = r.status
        excluded = r.excluded
        return [h.household_id, h.township or "", h.village or "", h.head_label or "", r.area_type,
                len(r.members), len(r.covered) if status in COVERED else 0, STATUS_LABEL[status],
                _fen_text(r.counted), _fen_text(sum(excluded.values()) if excluded else 0),
                _fen_text(r.employment_deduction), _fen_text(r.rigid_deduction), _fen_text(r.adjusted),
                y(r.per_capita), standard, differential, classified, adjustment,
                y(r.total) if r.benefit_known else "",
                r.phase_out_start.isoformat() if r.phase_out_start else "",
                r.phase_out_end.isoformat() if r.phase_out_end else "",
                "；".join([x.text for x in r.reasons]), "；".join([x.text for x in r.flags])]

    def members(self, r) -> list[list]:
        """member_rows(r, day, mask) for a DecidedResult, its members' figures worked out here."""
        household = r.household
        hid = household.household_id
        area = household.area_type
        day, mask, policy = self.day, self.mask, self.policy
        incomes, texts, ages, categories = self.incomes, self.texts, self.ages, self.categories
        if len(incomes) >= MEMO_LIMIT or len(texts) >= MEMO_LIMIT or len(ages) >= MEMO_LIMIT \
                or len(categories) >= MEMO_LIMIT:
            incomes.clear(), texts.clear(), ages.clear(), categories.clear()
        members = household.members
        everyone = r.members == members  # nearly always: every member lives in the household (counted)
        counted_ids = None if everyone else {id(m) for m in r.members}
        status = r.status
        classified: dict = {}
        singles: set = set()
        if status == DIBAO:
            classified = {id(m): None for m in r.covered}  # worked out below, from the member's entries
        elif status == SINGLE_PERSON and r.singles:
            classified = {id(s.member): "、".join(s.categories) for s in r.singles if s.categories}
        if r.singles:
            singles = {id(s.member) for s in r.singles}
        by_id = bool(classified or singles)  # a member's own cells depend on who the member is
        rows = []
        for m in members:
            birth = m.birth
            age = ages.get(birth, ages)
            if age is ages:
                age = ages[birth] = m.age(day)
            if everyone or id(m) in counted_ids:
                item_key = (tuple(m.incomes.items()), area)
                figures = incomes.get(item_key)
                if figures is None:
                    income = member_income(m, policy, self.lookup)
                    deduction = employment_deduction(income, area, policy)
                    figures = incomes[item_key] = (_yuan_float(income.counted),
                                                   _yuan_float(sum(income.excluded.values())), _fen_float(deduction))
            else:
                figures = _NO_FIGURES
            grade, illness = m.disability_grade, m.serious_illness
            entries = (m.relation, m.co_resident is False, not m.tekun, m.labour, m.disability_type, grade,
                       not illness)
            cells = texts.get(entries)
            if cells is None:
                cells = texts[entries] = (
                    m.relation or "", "否" if m.co_resident is False else "是", "是" if m.tekun else "", m.labour or "",
                    f"{m.disability_type or ''}{grade or ''}{'级' if grade else ''}", "是" if illness else "")
            shown = single = ""
            if by_id:
                key = id(m)
                if key in classified:
                    shown = classified[key]
                    if shown is None:
                        category_key = (grade, not illness, age)
                        shown = categories.get(category_key)
                        if shown is None:
                            shown = categories[category_key] = "、".join(classified_categories(m, day, policy))
                if key in singles:
                    single = "是"
            rows.append([hid, m.name, mask(m.id_number), cells[0], age, cells[1], cells[2], cells[3], cells[4],
                         cells[5], *figures, shown, single])
        return rows
