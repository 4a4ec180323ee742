"""What `dibao impact` produces: a terminal report, JSON for scripts (format in README.md), a workbook with
one sheet per view, and the HTML page for the finance bureau (templates/impact.html.j2)."""

from __future__ import annotations

from dibao_cli.assess.impact import (
    MONTHS_PER_YEAR,
    Alternative,
    Change,
    Impact,
    Money,
    status_label,
    status_order,
    total,
)
from dibao_cli.money import fen_number
from dibao_cli.reports.assess import f2y
from dibao_cli.reports.files import MONEY_FORMAT, SheetSpec
from dibao_cli.reports.screens import literal, literal_cells
from dibao_cli.status import COVERED

ANNUAL_NOTE = f"年度金额 = 月金额 × {MONTHS_PER_YEAR}（按名册中的户和金额全年不变计算）"
MONEY_HEADER = ("保障户数", "保障人数", "差额", "分类施保", "渐退期发放", "取整及保底调整", "月合计", "年合计")


def policy_block(impact: Impact) -> dict:
    policy = impact.base.policy
    return {"name": policy.name, "region": policy.region, "hash": policy.digest, "files": [f.path for f in policy.files],
            "notes": policy.notes}


def money_dict(m: Money) -> dict:
    return {"households": m.households, "persons": m.persons, "differential": f2y(m.differential),
            "classified": f2y(m.classified), "phase_out": f2y(m.phase_out), "adjustment": f2y(m.adjustment),
            "monthly": f2y(m.total), "annual": f2y(m.annual), "unknown": m.unknown}


def money_cells(m: Money) -> list:
    return [m.households, m.persons, *(fen_number(fen) for fen in (m.differential, m.classified, m.phase_out,
                                                                    m.adjustment, m.total, m.annual))]


def flows(alt: Alternative) -> tuple[int, int]:
    """Households newly covered and households no longer covered."""
    entered = sum(c[0] for (b, a), c in alt.transitions.items() if b not in COVERED and a in COVERED)
    left = sum(c[0] for (b, a), c in alt.transitions.items() if b in COVERED and a not in COVERED)
    return entered, left


def budget(impact: Impact, alt: Alternative) -> dict:
    before, after = total(impact.base_money), total(alt.money)
    entered, left = flows(alt)
    rises = sum(1 for c in alt.changes if c.delta > 0)
    return {**money_dict(after), "monthly_delta": f2y(after.total - before.total),
            "annual_delta": f2y(after.annual - before.annual), "entered": entered, "left": left, "rises": rises,
            "decreases": len(alt.decreases)}


def matrix(alt: Alternative) -> list[dict]:
    order = status_order()
    return [{"from": b, "from_label": status_label(b), "to": a, "to_label": status_label(a), "households": c[0],
             "persons": c[1]}
            for (b, a), c in sorted(alt.transitions.items(), key=lambda kv: (order.index(kv[0][0]), order.index(kv[0][1])))]


def townships(impact: Impact, alt: Alternative) -> list[tuple[str, Money, Money]]:
    rows = [(t, impact.base_money.get(t) or Money(), alt.money.get(t) or Money()) for t in impact.townships]
    return rows + [("合计", total(impact.base_money), total(alt.money))]


def change_dict(c: Change) -> dict:
    h = c.household

    def side(s, reasons):
        return {"status": s.status, "status_label": status_label(s.status), "covered_members": s.covered,
                "monthly_benefit": None if s.total is None else f2y(s.paid), "reasons": reasons}

    return {"household_id": h.household_id, "township": h.township, "village": h.village, "head_name": h.head_label,
            "members": c.persons, "before": side(c.before, c.before_reasons), "after": side(c.after, c.after_reasons),
            "monthly_delta": f2y(c.delta), "annual_delta": f2y(c.delta * MONTHS_PER_YEAR)}


def as_json(impact: Impact) -> dict:
    """The whole document as one object (format in README.md)."""
    return {**as_json_head(impact), "alternatives": [
        {**alternative_head(impact, alt), "decreases": [change_dict(c) for c in alt.decreases],
         "households": [change_dict(c) for c in alt.changes]} for alt in impact.alternatives]}


def json_chunks(impact: Impact):
    """The same document as `as_json`, in pieces: the listed households are turned into JSON a thousand at a
    time, so a province-sized comparison never sits in memory twice."""
    import orjson

    def dumps(obj) -> bytes:
        return orjson.dumps(obj, option=orjson.OPT_INDENT_2)

    head = as_json_head(impact)
    yield dumps(head)[:-2] + b',\n  "alternatives": ['
    for index, alt in enumerate(impact.alternatives):
        body = alternative_head(impact, alt)
        yield (b"\n" if index == 0 else b",\n") + dumps(body)[:-2]
        for key, items in (("decreases", alt.decreases), ("households", alt.changes)):
            yield f',\n  "{key}": ['.encode()
            for start in range(0, len(items), 1000):
                yield (b"\n" if start == 0 else b",\n") + b",\n".join(dumps(change_dict(c)) for c in items[start:start + 1000])
            yield b"]"
        yield b"\n}"
    yield b"\n]\n}\n"


def as_json_head(impact: Impact) -> dict:
    return {
        "date": impact.day.isoformat(),
        "effective": impact.effective.isoformat(),
        "policy": policy_block(impact),
        "annual": ANNUAL_NOTE,
        "households": impact.households,
        "members": impact.persons,
        "left_out": impact.left_out,
        "current": money_dict(total(impact.base_money)),
    }


def alternative_head(impact: Impact, alt: Alternative) -> dict:
    return {
        "name": alt.reform.name,
        "files": [f.path for f in alt.reform.files],
        "changes": [{"parameter": d.name, "label": d.label, "before": d.before, "after": d.after, "source": d.source}
                    for d in alt.differences],
        "notes": alt.notes,
        "budget": budget(impact, alt),
        "transitions": matrix(alt),
        "townships": [{"township": t, "before": money_dict(b), "after": money_dict(a),
                       "monthly_delta": f2y(a.total - b.total), "annual_delta": f2y(a.annual - b.annual)}
                      for t, b, a in townships(impact, alt)],
    }


# ---------------------------------------------------------------------------------------------- terminal
def _signed(fen: int) -> str:
    return ("+" if fen > 0 else "") + f2y(fen)


def _amount(side) -> str:
    return "未知" if side.total is None else f2y(side.paid)


def print_report(console, impact: Impact, limit: int) -> None:
    from rich.table import Table
    from rich.text import Text

    p = policy_block(impact)
    console.print(f"核算日期 {impact.day.isoformat()}；方案生效日期 {impact.effective.isoformat()}；现行政策：{literal(p['name'])}"
                  f"（指纹 {p['hash'][:12]}）")
    for note in p["notes"]:
        console.print(Text(note, style="dim"))
    console.print(f"名册 {impact.households} 户 {impact.persons} 人" +
                  (f"；[red]{impact.left_out} 户因名册错误未核算[/]（两边都不计入，用 dibao check 查看）" if impact.left_out else ""))
    for number, alt in enumerate(impact.alternatives, start=1):
        console.print(Text.assemble("\n", (f"方案 {number}：{alt.reform.name}", "bold")))
        for d in alt.differences:
            console.print(literal(f"  {d.label}：{d.before} → {d.after}（{d.source}）"))
        for note in alt.notes:
            console.print(Text.assemble("  ", (note, "yellow")))

    table = Table(title=f"各方案资金测算（元；{ANNUAL_NOTE}）", title_justify="left")
    for name in ("方案", "保障户数", "保障人数", "月合计", "年合计", "月增减", "年增减", "新纳入户", "退出户", "增发户", "减发户"):
        table.add_column(name, justify="left" if name == "方案" else "right", overflow="fold")
    now = total(impact.base_money)
    table.add_row("现行政策", str(now.households), str(now.persons), f2y(now.total), f2y(now.annual), "", "", "", "", "", "")
    for number, alt in enumerate(impact.alternatives, start=1):
        b = budget(impact, alt)
        table.add_row(literal(f"{number}. {alt.reform.name}"), str(b["households"]), str(b["persons"]), b["monthly"], b["annual"],
                      _signed(total(alt.money).total - now.total), _signed(total(alt.money).annual - now.annual),
                      str(b["entered"]), str(b["left"]), str(b["rises"]),
                      f"[bold red]{b['decreases']}[/]" if b["decreases"] else "0")
    console.print(table)

    single = len(impact.alternatives) == 1
    for number, alt in enumerate(impact.alternatives, start=1):
        _print_decreases(console, alt, number, limit)
        if single:
            _print_matrix(console, alt)
            _print_townships(console, impact, alt)
            _print_changes(console, alt, limit)
    if not single:
        console.print("各方案的状态变化、分乡镇资金和逐户变化见 --format xlsx 或 html；只给一个方案时屏幕上全部列出。")


def _print_decreases(console, alt: Alternative, number: int, limit: int) -> None:
    from rich.table import Table

    falls = alt.decreases
    if not falls:
        console.print(f"[green]方案 {number}：没有月保障金减少的户。[/]")
        return
    table = Table(title=f"[bold red]方案 {number}：月保障金减少的户（{len(falls)} 户）——实施前须逐户核实并书面告知[/]",
                  title_justify="left")
    for name in ("户编号", "乡镇", "村(社区)", "户主", "原认定", "原金额", "新认定", "新金额", "月增减", "新理由"):
        table.add_column(name, justify="right" if name in ("原金额", "新金额", "月增减") else "left", overflow="fold")
    for c in falls[:limit]:
        h = c.household
        table.add_row(*literal_cells((h.household_id, h.township, h.village, h.head_label)), status_label(c.before.status),
                      _amount(c.before), status_label(c.after.status), _amount(c.after),
                      "未知" if c.after.total is None else _signed(c.delta), literal(c.after_short))
    console.print(table)
    if len(falls) > limit:
        console.print(f"（只显示前 {limit} 户；全部见 --format xlsx）")


def _print_matrix(console, alt: Alternative) -> None:
    from rich.table import Table

    used = {s for pair in alt.transitions for s in pair}
    statuses = [s for s in status_order() if s in used]
    table = Table(title="状态变化（行：现行政策；列：方案；户/人）", title_justify="left")
    table.add_column("现行＼方案")
    for s in statuses:
        table.add_column(status_label(s), justify="right")
    for b in statuses:
        cells = []
        for a in statuses:
            c = alt.transitions.get((b, a))
            cells.append(f"{c[0]}/{c[1]}" if c else "")
        if any(cells):
            table.add_row(status_label(b), *cells)
    console.print(table)


def _print_townships(console, impact: Impact, alt: Alternative) -> None:
    from rich.table import Table

    table = Table(title="分乡镇月保障金（元）", title_justify="left")
    for name in ("乡镇", "现行户数", "方案户数", "现行差额", "方案差额", "现行分类施保", "方案分类施保", "现行渐退", "方案渐退",
                 "现行月合计", "方案月合计", "月增减", "年增减"):
        table.add_column(name, justify="left" if name == "乡镇" else "right", overflow="fold")
    for t, b, a in townships(impact, alt):
        table.add_row(literal(t), str(b.households), str(a.households), f2y(b.differential), f2y(a.differential),
                      f2y(b.classified), f2y(a.classified), f2y(b.phase_out), f2y(a.phase_out), f2y(b.total), f2y(a.total),
                      _signed(a.total - b.total), _signed(a.annual - b.annual))
    console.print(table)


def _print_changes(console, alt: Alternative, limit: int) -> None:
    from rich.table import Table

    changed = alt.changes
    table = Table(title=f"认定结果或金额变化的户（{len(changed)} 户）", title_justify="left")
    for name in ("户编号", "村(社区)", "户主", "原认定", "原金额", "新认定", "新金额", "月增减", "原理由", "新理由"):
        table.add_column(name, justify="right" if name in ("原金额", "新金额", "月增减") else "left", overflow="fold")
    for c in changed[:limit]:
        h = c.household
        table.add_row(*literal_cells((h.household_id, h.village, h.head_label)), status_label(c.before.status),
                      _amount(c.before), status_label(c.after.status), _amount(c.after),
                      "未知" if c.after.total is None or c.before.total is None else _signed(c.delta),
                      *literal_cells((c.before_short, c.after_short)))
    console.print(table)
    if len(changed) > limit:
        console.print(f"（只显示前 {limit} 户；全部见 --format xlsx）")


# ---------------------------------------------------------------------------------------------- workbook
def _printable(spec: SheetSpec) -> SheetSpec:
    spec.landscape = True
    return spec


def xlsx_sheets(impact: Impact) -> list[SheetSpec]:
    p = policy_block(impact)
    preamble = [["核算日期", impact.day.isoformat(), "方案生效日期", impact.effective.isoformat()],
                ["现行政策", p["name"], "政策指纹", p["hash"][:16]],
                ["名册", f"{impact.households} 户 {impact.persons} 人", "有错误未核算", f"{impact.left_out} 户"],
                [ANNUAL_NOTE]]
    header = ["方案", *MONEY_HEADER, "月增减", "年增减", "新纳入户数", "退出户数", "增发户数", "减发户数"]
    now = total(impact.base_money)
    rows = [["现行政策", *money_cells(now)]]
    for number, alt in enumerate(impact.alternatives, start=1):
        b = budget(impact, alt)
        after = total(alt.money)
        rows.append([f"{number}. {alt.reform.name}", *money_cells(after), fen_number(after.total - now.total),
                     fen_number(after.annual - now.annual), b["entered"], b["left"], b["rises"], b["decreases"]])
    money_cols = {i: MONEY_FORMAT for i in range(3, 11)}
    sheets = [_printable(SheetSpec("方案一览", header, rows, widths={0: 34, **{i: 14 for i in range(3, 11)}},
                                   formats=money_cols,
                                   title="低保方案资金测算（元）", preamble=preamble))]
    content = [[f"{n}. {alt.reform.name}", d.label, d.before, d.after, d.source]
               for n, alt in enumerate(impact.alternatives, start=1) for d in alt.differences]
    content += [[f"{n}. {alt.reform.name}", "说明", "", "", note]
                for n, alt in enumerate(impact.alternatives, start=1) for note in alt.notes]
    sheets.append(_printable(SheetSpec("方案内容", ["方案", "项目", "现行", "方案", "出处"], content,
                                       widths={0: 34, 1: 30, 2: 18, 3: 18, 4: 60})))
    change_header = ["方案", "户编号", "乡镇", "村(社区)", "户主", "家庭人数", "原认定", "原保障人数", "原月保障金", "新认定",
                     "新保障人数", "新月保障金", "月增减", "年增减", "原理由", "新理由"]

    def change_rows(pick):
        for n, alt in enumerate(impact.alternatives, start=1):
            for c in pick(alt):
                h = c.household
                known = c.before.total is not None and c.after.total is not None
                yield [f"{n}. {alt.reform.name}", h.household_id, h.township or "", h.village or "", h.head_label or "",
                       c.persons, status_label(c.before.status), c.before.covered,
                       None if c.before.total is None else fen_number(c.before.paid), status_label(c.after.status),
                       c.after.covered, None if c.after.total is None else fen_number(c.after.paid),
                       fen_number(c.delta) if known else None, fen_number(c.delta * MONTHS_PER_YEAR) if known else None,
                       c.before_reasons, c.after_reasons]

    change_formats = {8: MONEY_FORMAT, 11: MONEY_FORMAT, 12: MONEY_FORMAT, 13: MONEY_FORMAT}
    widths = {0: 24, 6: 10, 8: 12, 9: 10, 11: 12, 12: 12, 13: 12, 14: 50, 15: 50}
    falls = sum(len(alt.decreases) for alt in impact.alternatives)
    sheets.append(_printable(SheetSpec("金额减少的户", change_header, change_rows(lambda alt: alt.decreases), widths=widths,
                                       formats=change_formats,
                                       title=f"月保障金减少的户：{falls} 户（实施前须逐户核实并书面告知）")))
    statuses = status_order()
    matrix_rows = []
    for n, alt in enumerate(impact.alternatives, start=1):
        used = {s for pair in alt.transitions for s in pair}
        for index, unit in ((0, "户"), (1, "人")):
            for b in statuses:
                if b not in used:
                    continue
                cells = [alt.transitions.get((b, a), [0, 0])[index] for a in statuses]
                if any(cells):
                    matrix_rows.append([f"{n}. {alt.reform.name}", unit, status_label(b), *cells, sum(cells)])
    sheets.append(_printable(SheetSpec("状态变化", ["方案", "单位", "现行认定＼方案认定", *map(status_label, statuses), "合计"],
                                       matrix_rows, widths={0: 24, 2: 18})))
    town_header = ["方案", "乡镇", *(f"现行{h}" for h in MONEY_HEADER), *(f"方案{h}" for h in MONEY_HEADER), "月增减", "年增减"]
    town_rows = [[f"{n}. {alt.reform.name}", t, *money_cells(b), *money_cells(a), fen_number(a.total - b.total),
                  fen_number(a.annual - b.annual)]
                 for n, alt in enumerate(impact.alternatives, start=1) for t, b, a in townships(impact, alt)]
    town_formats = {i: MONEY_FORMAT for i in (*range(4, 10), *range(12, 20))}
    sheets.append(_printable(SheetSpec("分乡镇资金", town_header, town_rows,
                                       widths={0: 24, 1: 14, **{i: 13 for i in range(2, 20)}},
                                       formats=town_formats)))
    sheets.append(_printable(SheetSpec("变化户", change_header, change_rows(lambda alt: alt.changes), widths=widths,
                                       formats=change_formats)))
    return sheets


# ---------------------------------------------------------------------------------------------- HTML
def html_context(impact: Impact, title: str, unit: str) -> dict:
    """Figures for templates/impact.html.j2: aggregates, and the households whose amount falls by number, village
    and amounts only (no names, statuses, reasons, income, health or disability: the page leaves the bureau)."""
    p = policy_block(impact)
    now = total(impact.base_money)
    alternatives = []
    for n, alt in enumerate(impact.alternatives, start=1):
        b = budget(impact, alt)
        towns = townships(impact, alt)
        used = {s for pair in alt.transitions for s in pair}
        statuses = [s for s in status_order() if s in used]
        alternatives.append({
            "number": n, "name": alt.reform.name, "budget": b, "notes": alt.notes,
            "changes": [{"label": d.label, "before": d.before, "after": d.after, "source": d.source}
                        for d in alt.differences],
            "townships": [{"name": t, "before": money_dict(bm), "after": money_dict(am),
                           "before_fen": bm.total, "after_fen": am.total,
                           "monthly_delta": _signed(am.total - bm.total), "annual_delta": _signed(am.annual - bm.annual)}
                          for t, bm, am in towns],
            "chart": [{"name": t, "before_fen": bm.total, "after_fen": am.total, "before": f2y(bm.total),
                       "after": f2y(am.total)} for t, bm, am in towns[:-1]],
            "statuses": [status_label(s) for s in statuses],
            "matrix": [[status_label(bs), *(alt.transitions.get((bs, a_s)) for a_s in statuses)]
                       for bs in statuses if any(alt.transitions.get((bs, a_s)) for a_s in statuses)],
            "decreases": [{"household_id": c.household.household_id, "township": c.household.township or "",
                           "village": c.household.village or "", "before": _amount(c.before),
                           "after": _amount(c.after), "delta": "未知" if c.after.total is None else _signed(c.delta)}
                          for c in alt.decreases],
            "bar": (alt.reform.name, total(alt.money).total),
            "monthly_delta": _signed(total(alt.money).total - now.total),
            "annual_delta": _signed(total(alt.money).annual - now.annual),
        })
    return {"title": title, "unit": unit, "day": impact.day.isoformat(), "effective": impact.effective.isoformat(),
            "policy": p, "households": impact.households, "persons": impact.persons, "left_out": impact.left_out,
            "current": money_dict(now), "current_fen": now.total, "alternatives": alternatives,
            "annual_note": ANNUAL_NOTE}
