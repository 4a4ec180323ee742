"""The village publicity list (公示): name, covered members and monthly amount only. Never the ID number,
phone, address, income, illness or disability, nor anything from which they can be inferred: every
covered household or person is listed as 低保 (a 单人户 label would tell the village that the person is
severely ill or disabled; a 渐退 label that the income rose). Seven days from a date."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from dibao_cli import money
from dibao_cli.documents.notices import auto_kind, cn_date
from dibao_cli.reports.files import MONEY_FORMAT, SheetSpec, clean_text
from dibao_cli.status import COVERED, SINGLE_PERSON


@dataclass
class Entry:
    township: str
    village: str
    name: str
    covered: int
    amount: str
    kind: str  # always 低保: the only category a public list may show
    note: str  # 新纳入 / 继续保障


def entries(results, include_all: bool) -> list[Entry]:
    """Newly approved households (default), or every covered household."""
    out = []
    for r in results:
        if r.status not in COVERED:
            continue
        new = auto_kind(r) == "approval"
        if not include_all and not new:
            continue
        h = r.household
        township, village = clean_text(h.township or ""), clean_text(h.village or "")
        note = "新纳入" if new else "继续保障"
        if r.status == SINGLE_PERSON:
            for s in r.singles:
                out.append(Entry(township, village, clean_text(s.member.name or ""), 1, money.plain(s.total), "低保", note))
            continue
        out.append(Entry(township, village, clean_text(h.head_label or ""), len(r.covered), money.plain(r.total), "低保",
                         note))
    out.sort(key=lambda e: (e.township, e.village, e.name))
    return out


def entries_from_roster(roster, policy, day: _dt.date, include_all: bool, progress=None):
    """(assessment, entries) of a roster without keeping every household's result: a prefecture's roster
    gives hundreds of thousands of results, of which the list keeps a few fields of the covered ones.
    `assessment.results` stays empty; `assessment.left_out` lists the households that could not be assessed."""
    from dibao_cli.assess.household import iter_results, plan_assessment

    assessment = plan_assessment(roster, policy, day, None)
    assessment.progress = progress
    if progress is not None:
        progress(len(assessment.left_out))
    items = entries(iter_results(assessment, False), include_all)
    return assessment, items


def by_village(items: list[Entry]) -> dict[tuple[str, str], list[Entry]]:
    groups: dict[tuple[str, str], list[Entry]] = {}
    for e in items:
        groups.setdefault((e.township, e.village), []).append(e)
    return groups


def period(start: _dt.date, days: int = 7) -> tuple[str, str]:
    return cn_date(start), cn_date(start + _dt.timedelta(days=days - 1))


HEADER = ("序号", "户主（保障对象）姓名", "保障人数", "月保障金(元)", "类别", "备注")


def appeal_text(first: str, last: str, bureau: str, phone: str) -> str:
    return (f"公示期：{first}至{last}（7天）。对公示对象有异议的，请在公示期内向乡镇人民政府或{bureau}反映"
            + (f"，举报电话：{phone}" if phone else "") + "。")


def xlsx_sheets(items: list[Entry], start: _dt.date, phone: str, bureau: str, issued_on: str | None = None
                ) -> list[SheetSpec]:
    """One ruled sheet per village, with the same 公示期 text and 落款 (township government and date) as the
    HTML list."""
    first, last = period(start)
    issued_on = issued_on or cn_date(start)
    sheets = []
    for (township, village), group in by_village(items).items():
        rows = [[i + 1, e.name, e.covered, float(e.amount), e.kind, e.note] for i, e in enumerate(group)]
        footer = [(appeal_text(first, last, bureau, phone), "left"), (f"{township}人民政府\n{issued_on}", "right")]
        sheets.append(SheetSpec(f"{township}{village}", HEADER, rows, formats={3: MONEY_FORMAT},
                                title=f"{township}{village}最低生活保障对象公示", footer=footer, borders=True,
                                landscape=False))
    return sheets or [SheetSpec("公示", HEADER, [], title="本期没有需要公示的对象")]
