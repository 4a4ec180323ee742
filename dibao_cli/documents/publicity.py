"""The village publicity list (公示): name, covered members and monthly amount only — never ID number,
address, income, illness or disability (domain.md §9). Seven days from a date."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from dibao_cli.documents.notices import auto_kind, cn_date
from dibao_cli.outputs import SheetSpec


@dataclass
class Entry:
    township: str
    village: str
    name: str
    covered: int
    amount: str
    kind: str  # 新纳入 / 继续保障


def entries(results, include_all: bool) -> list[Entry]:
    """Newly approved households (default), or every covered household."""
    out = []
    for r in results:
        if r.status not in ("dibao", "single_person", "phase_out"):
            continue
        new = auto_kind(r) == "approval"
        if not include_all and not new:
            continue
        h = r.household
        if r.status == "single_person":
            for s in r.singles:
                # never "单人户" on a public list: it would tell the village the person is severely ill or disabled
                out.append(Entry(h.township or "", h.village or "", s.member.name or "", 1, f"{s.total:.2f}",
                                 "新纳入" if new else "继续保障"))
            continue
        out.append(Entry(h.township or "", h.village or "", h.head_label or "", len(r.covered), f"{r.total:.2f}",
                         "新纳入" if new else "继续保障"))
    out.sort(key=lambda e: (e.township, e.village, e.name))
    return out


def by_village(items: list[Entry]) -> dict[tuple[str, str], list[Entry]]:
    groups: dict[tuple[str, str], list[Entry]] = {}
    for e in items:
        groups.setdefault((e.township, e.village), []).append(e)
    return groups


def period(start: _dt.date, days: int = 7) -> tuple[str, str]:
    return cn_date(start), cn_date(start + _dt.timedelta(days=days - 1))


HEADER = ("序号", "户主（保障对象）姓名", "保障人数", "月保障金(元)", "类别")


def xlsx_sheets(items: list[Entry], start: _dt.date, phone: str, bureau: str) -> list[SheetSpec]:
    first, last = period(start)
    sheets = []
    for (township, village), group in by_village(items).items():
        rows = [[i + 1, e.name, e.covered, float(e.amount), e.kind] for i, e in enumerate(group)]
        rows += [[], [f"公示期：{first}至{last}（7天）。对公示对象有异议的，请在公示期内向乡镇人民政府或{bureau}反映。"
                      + (f"举报电话：{phone}" if phone else "")]]
        sheets.append(SheetSpec(f"{township}{village}"[:31], HEADER, rows, widths={1: 22, 4: 12},
                                formats={3: "#,##0.00"}, title=f"{township}{village}最低生活保障对象公示"))
    return sheets or [SheetSpec("公示", HEADER, [], title="本期没有需要公示的对象")]
