"""The monthly statistical report (民政统计月报) and the year-end summary.

Urban and rural 低保 are separate reports (城市低保, 农村低保), each with its header block (表号, 制表机关,
填报单位, 统计期, 单位) from the policy file's [documents].

Rows per township and a total. Breakdowns of persons that are exhaustive (sex, age group, labour
ability) add up to the persons; the money columns add up to the month's total (差额 + 分类施保 +
渐退期发放 + 取整及保底调整 = 本月合计). Both are checked by the tests.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from decimal import Decimal

from dibao_cli import money
from dibao_cli.idcard import age_on
from dibao_cli.status import COVERED, PHASE_OUT

AREAS = ("城市", "农村")


@dataclass
class Person:
    male: bool | None
    birth: _dt.date | None
    disabled: bool
    labour: str | None


@dataclass
class CoveredHousehold:
    household_id: str
    township: str
    area_type: str
    status: str
    total_fen: int
    differential_fen: int
    classified_fen: int
    persons: list[Person]


COLUMNS = (
    ("households", "户数"), ("persons", "人数"), ("women", "女性"), ("men", "男性"), ("elderly", "老年人(60岁以上)"),
    ("working_age", "18-59岁"), ("minors", "未成年人"), ("disabled", "残疾人"), ("lost", "完全丧失劳动能力"),
    ("partly", "部分丧失劳动能力"), ("other_labour", "有劳动能力或未填"), ("new_households", "本月新增户数"),
    ("new_persons", "本月新增人数"), ("exit_households", "本月退出户数"), ("exit_persons", "本月退出人数"),
    ("differential", "差额(元)"), ("classified", "分类施保(元)"), ("phase_out", "渐退期发放(元)"),
    ("adjustment", "取整及保底调整(元)"), ("total", "本月合计(元)"), ("year_to_date", "本年累计(元)"),
    ("average", "月人均补助(元)"),
)
MONEY = ("differential", "classified", "phase_out", "adjustment", "total", "year_to_date")


@dataclass
class Row:
    township: str
    values: dict = field(default_factory=lambda: {key: 0 for key, _ in COLUMNS if key != "average"})

    @property
    def average(self) -> int:
        """Total per person in fen, rounded half up (display only)."""
        persons = self.values["persons"]
        return (2 * self.values["total"] + persons) // (2 * persons) if persons else 0


def month_rows(current: list[CoveredHousehold], previous: list[CoveredHousehold] | None, day: _dt.date,
               year_to_date: dict[str, int] | None) -> tuple[list[Row], Row]:
    """Rows per township and the total for one month."""
    rows: dict[str, Row] = {}

    def row(township: str) -> Row:
        return rows.setdefault(township or "（未填乡镇）", Row(township or "（未填乡镇）"))

    before = {h.household_id: h for h in previous} if previous is not None else {}
    now_ids = set()
    for h in current:
        now_ids.add(h.household_id)
        v = row(h.township).values
        v["households"] += 1
        v["persons"] += len(h.persons)
        for p in h.persons:
            v["women" if p.male is False else "men"] += 1
            age = age_on(p.birth, day) if p.birth else None
            if age is not None and age >= 60:
                v["elderly"] += 1
            elif age is not None and age < 18:
                v["minors"] += 1
            else:
                v["working_age"] += 1
            v["disabled"] += 1 if p.disabled else 0
            v["lost" if p.labour in ("完全丧失", "无") and (age is None or age >= 18) else
              "partly" if p.labour == "部分丧失" else "other_labour"] += 1
        if previous is not None and h.household_id not in before:
            v["new_households"] += 1
            v["new_persons"] += len(h.persons)
        if h.status == PHASE_OUT:
            v["phase_out"] += h.total_fen
        else:
            v["differential"] += h.differential_fen
            v["classified"] += h.classified_fen
            v["adjustment"] += h.total_fen - h.differential_fen - h.classified_fen
        v["total"] += h.total_fen
    for hid, h in before.items():
        if hid not in now_ids:
            v = row(h.township).values
            v["exit_households"] += 1
            v["exit_persons"] += len(h.persons)
    for township, r in rows.items():
        r.values["year_to_date"] = (year_to_date or {}).get(township, 0) if year_to_date is not None else r.values["total"]
    ordered = [rows[k] for k in sorted(rows)]
    total = Row("合计")
    for r in ordered:
        for key in total.values:
            total.values[key] += r.values[key]
    return ordered, total


def fen_text(fen: int) -> str:
    return money.fen_text(fen, grouping=False)


def table_rows(rows: list[Row], total: Row, numeric: bool = False) -> list[list]:
    out = []
    for r in [*rows, total]:
        line = [r.township]
        for key, _ in COLUMNS:
            value = r.average if key == "average" else r.values[key]
            if key in MONEY or key == "average":
                line.append(value / 100 if numeric else fen_text(value))
            else:
                line.append(value)
        out.append(line)
    return out


def _fen(value) -> int:
    return money.to_fen(value)


def from_results(results, day: _dt.date) -> list[CoveredHousehold]:
    """Covered households of an assessment (roster mode)."""
    out = []
    for r in results:
        if r.status not in COVERED or not r.benefit_known:
            continue
        covered = r.covered
        out.append(CoveredHousehold(
            r.household.household_id, r.household.township or "", r.area_type or "农村", r.status, int(r.total * 100),
            _fen(r.differential), _fen(r.classified),
            [Person(m.male, m.birth, bool(m.disability_grade), m.labour) for m in covered]))
    return out


def from_roster(roster, policy, day: _dt.date):
    """(assessment, covered households, 特困 persons) of a roster (roster mode), gathered while the households
    are assessed, without keeping every household's result (a prefecture's roster gives hundreds of thousands):
    `assessment.results` stays empty, `assessment.left_out` lists the households that could not be assessed."""
    from dibao_cli.assess.household import iter_results, plan_assessment
    from dibao_cli.assess.result import tekun_from_results

    tekun: list[dict] = []

    def each(results):
        for r in results:
            if r.supported:
                tekun.extend(tekun_from_results((r,)))
            yield r

    assessment = plan_assessment(roster, policy, day, None)
    covered = from_results(each(iter_results(assessment, False)), day)
    return assessment, covered, tekun


def from_ledger(ledger, month: str) -> list[CoveredHousehold]:
    from dibao_cli.ledger import queries

    rows = ledger.households_of(month)
    persons: dict[str, list[Person]] = {}
    for hid, male, birth, grade, labour in queries.covered_members(ledger, month):
        persons.setdefault(hid, []).append(Person(None if male is None else bool(male),
                                                  _dt.date.fromisoformat(birth) if birth else None, bool(grade), labour))
    return [CoveredHousehold(hid, r["township"] or "", r["area_type"] or "农村", r["status"], r["total_fen"] or 0,
                             r["differential_fen"],
                             r["classified_fen"], persons.get(hid, []))
            for hid, r in rows.items() if r["status"] in COVERED and r["total_fen"] is not None]


def year_to_date(ledger, month: str, area: str | None = None) -> dict[str, int]:
    """Money paid per township from January to `month` of the same year (ledger), for one area type or all."""
    from dibao_cli.ledger import queries

    out: dict[str, int] = {}
    for township, area_type, fen in queries.paid_by_township_and_area(ledger, month[:4] + "-01", month):
        if area is None or area_type == area:
            key = township or "（未填乡镇）"
            out[key] = out.get(key, 0) + (fen or 0)
    return out


def by_area(households: list[CoveredHousehold] | None, area: str) -> list[CoveredHousehold] | None:
    return None if households is None else [h for h in households if h.area_type == area]


def header_block(policy, area: str, unit: str, period: str) -> dict:
    """表号, 制表机关, 批准机关, 填报单位, 统计期, 单位 of one report (the policy file's [documents])."""
    documents = policy.policy
    return {"form": documents.document("stats_form_urban" if area == "城市" else "stats_form_rural"),
            "authority": documents.document("stats_authority"), "approval": documents.document("stats_approval"),
            "unit": unit, "period": period, "measure": "户、人、元"}


def trend(ledger, month: str) -> list[tuple[str, int, int]]:
    """(month, households, total fen) for each imported month of the year up to `month`."""
    from dibao_cli.ledger import queries

    return queries.covered_by_month(ledger, month[:4] + "-01", month)


def year_summary(ledger, year: int) -> tuple[list[list], list[list]]:
    """By month: households, persons, new, exited, phase-outs started and ended, money; by township."""
    from dibao_cli.ledger import queries
    from dibao_cli.status import EXIT

    months, month_fen = [], 0
    for month in queries.months_between(ledger, f"{year}-01", f"{year}-12"):
        stats = queries.month_totals(ledger, month)
        events = queries.event_kinds(ledger, month)
        ended = queries.status_count(ledger, month, EXIT)
        month_fen += stats[2]
        months.append([month, stats[0], stats[1], events.get("new", 0), events.get("exit", 0) + events.get("disappeared", 0),
                       events.get("phase_out_started", 0), ended, money.fen_number(stats[2])])
    townships, township_fen = [], 0
    for township, households, fen in queries.covered_by_township(ledger, f"{year}-01", f"{year}-12"):
        township_fen += fen
        townships.append([township or "（未填乡镇）", households, money.fen_number(fen)])
    if months:  # totals summed in fen, never from the shown numbers
        months.append(["合计", "", "", *[sum(m[i] for m in months) for i in range(3, 7)], money.fen_number(month_fen)])
    if townships:
        townships.append(["合计", sum(t[1] for t in townships), money.fen_number(township_fen)])
    return months, townships


def year_summary_for_print(months: list[list], townships: list[list]) -> tuple[list[list], list[list]]:
    """The year summary with its money columns as exact yuan (Decimal, two places) for the printed HTML.

    The xlsx keeps plain numbers; a template gets Decimal: a county's yearly total is millions of yuan, and the
    template sandbox refuses a float argument that large (the `"{:,.2f}".format(total)` in the template)."""

    def exact(rows: list[list], column: int) -> list[list]:
        return [[*r[:column], Decimal(round(r[column] * 100)).scaleb(-2), *r[column + 1:]] for r in rows]

    return exact(months, 7), exact(townships, 2)


YEAR_MONTH_HEADER = ("月份", "保障户数", "保障人数", "新增户数", "退出户数", "进入渐退期户数", "渐退期满停保户数", "当月支出(元)")
YEAR_TOWNSHIP_HEADER = ("乡镇", "全年保障过的户数", "全年支出(元)")


def print_setup(path, header_rows: dict[str, int], landscape: bool = True) -> None:
    """A4, landscape, fit to one page wide, the column header repeated on every printed page.

    Applied to a small report after it is written (the month's or year's rows, not a roster), then the file is
    replaced atomically."""
    import os
    from pathlib import Path

    from openpyxl import load_workbook

    path = Path(path)
    book = load_workbook(path)
    for name, row in header_rows.items():
        ws = book[name]
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.print_title_rows = f"{row}:{row}"
        longest = max((len(str(c.value or "")) for c in ws[row]), default=0)
        ws.row_dimensions[row].height = 15 * max(1, min(4, (longest + 4) // 5))  # wrapped header: room for its lines
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.5
        ws.print_options.horizontalCentered = True
    tmp = path.with_name(f".{path.name}.print.tmp")
    book.save(tmp)
    os.replace(tmp, path)
