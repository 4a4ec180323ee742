"""What `dibao assess` produces: JSON for scripts, a terminal table, CSV and a workbook a clerk can file."""

from __future__ import annotations

from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from dibao_cli import money
from dibao_cli.assess.household import Assessment, HouseholdResult
from dibao_cli.assess.result import short_reasons
from dibao_cli.policy.schema import BY_NAME, ROUNDING
from dibao_cli.reports.files import print_cut
from dibao_cli.reports.screens import literal, literal_cells
from dibao_cli.status import COVERED, EXIT, INELIGIBLE, MARGINAL, RIGID, TEKUN
from dibao_cli.status import LABEL as STATUS_LABEL
from dibao_cli.status import PROGRAMME_LABEL as PROGRAMME_OF_STATUS

STATUS_ORDER = (*COVERED, EXIT, MARGINAL, INELIGIBLE, TEKUN, RIGID)
ROUNDING_UNIT = {amount: unit for unit, amount in ROUNDING.items()}


_ONE = Decimal(1)
y = money.plain  # yuan with two decimals, as a string (JSON numbers would lose the trailing zeros); half up


def f2y(fen) -> str:
    """Fen (int or exact Decimal) as yuan with two decimals, half up: money.fen_yuan without grouping, with the
    common case (whole fen, not negative) written out here (a hot path: several per household of a province)."""
    if not fen:
        return "0.00"
    kind = type(fen)
    if kind is Decimal:  # money.fen_to_fen without its copy of the Decimal
        fen = int(fen.quantize(_ONE, rounding=ROUND_HALF_UP))
    elif kind is not int:
        fen = money.fen_to_fen(fen)
    if fen < 0:
        return money.fen_text(fen, grouping=False)
    return f"{fen // 100}.{fen % 100:02d}"


@lru_cache(maxsize=64)
def _monthly(annual_standard) -> str:
    """The monthly standard shown for an annual standard in fen (a few distinct values per run)."""
    return y(annual_standard / 1200)


def benefit_parts(r: HouseholdResult) -> dict:
    """差额, 分类施保 and the adjustments as shown: they add up to the total (see money.Breakdown)."""
    b = r.breakdown
    if b is None:
        differential, classified = r.differential, r.classified
        return {"differential": y(differential) if differential else "0.00",
                "classified": y(classified) if classified else "0.00", "minimum_top_up": "0.00", "rounding": "0.00"}
    return {"differential": f2y(b.differential), "classified": f2y(b.classified),
            "minimum_top_up": f2y(b.minimum_top_up), "rounding": f2y(b.rounding)}


def policy_block(assessment: Assessment) -> dict:
    policy = assessment.policy.policy
    return {
        "name": policy.name,
        "region": policy.region,
        "date": assessment.day.isoformat(),
        "hash": policy.digest,
        "files": [f.path for f in policy.files],
        "notes": policy.notes,
    }


def parameter_dict(used) -> dict:
    """A policy parameter a step read, with its dated source: the value as the policy file gives it (money and
    shares as exact decimal strings, lists as lists; an income item's value says whether it is counted)."""
    entry = used.entry
    if used.name.startswith("income_items."):
        label, unit = f"收入项目“{used.name.partition('.')[2]}”", ""
    else:
        param = BY_NAME[used.name]
        label, unit = param.label, param.unit
    value = entry.value
    if isinstance(value, tuple):
        value = list(value)
    elif used.name == "rounding":
        value = ROUNDING_UNIT[str(value)]  # 元, 角 or 分, as the file writes it
    elif isinstance(value, Decimal):
        value = str(value)
    return {"name": used.name, "label": label, "value": value, "unit": unit, "since": entry.since.isoformat(),
            "source": entry.source, "region": entry.region, "confirmed": entry.confirmed}


def explain_steps(r: HouseholdResult) -> list[dict]:
    """The steps of `dibao explain --format json`, each with the parameters it read (from the recorded trace)."""
    return [{"title": s.title, "lines": s.lines, "basis": s.basis,
             "parameters": [parameter_dict(used) for used in s.parameters]} for s in r.steps]


def household_dict(r: HouseholdResult) -> dict:
    h = r.household
    excluded = r.excluded
    benefit = benefit_parts(r)
    benefit["total"] = y(r.total) if r.benefit_known else None
    return {
        "household_id": h.household_id,
        "township": h.township,
        "village": h.village,
        "head_name": h.head_label,
        "area_type": r.area_type,
        "members": len(r.members),
        "covered_members": len(r.covered) if r.status in COVERED else 0,
        "status": r.status,
        "status_label": STATUS_LABEL[r.status],
        "annual_income": {
            "counted": f2y(r.counted),
            "excluded": f2y(sum(excluded.values())) if excluded else "0.00",
            "excluded_items": {k: f2y(v) for k, v in excluded.items()},
            "employment_deduction": f2y(r.employment_deduction),
            "rigid_deduction": f2y(r.rigid_deduction),
            "adjusted": f2y(r.adjusted),
        },
        "per_capita_monthly_income": y(r.per_capita),
        "monthly_standard": _monthly(r.annual_standard),
        "monthly_benefit": benefit,
        "phase_out": None if r.phase_out_start is None else {
            "start": r.phase_out_start.isoformat(), "end": r.phase_out_end.isoformat()},
        "single_person": [{"name": s.member.name, "ground": s.ground, "total": y(s.total)} for s in r.singles],
        "reasons": [{"code": x.code, "text": x.text, "basis": x.basis} for x in r.reasons],  # Reason.as_dict
        "flags": [{"code": x.code, "text": x.text, "basis": x.basis} for x in r.flags],
        "programmes": programmes(r),
        "tekun": [tekun_dict(d) for d in r.tekun],
        "rigid_expense": None if r.rigid is None else rigid_dict(r.rigid),
    }


def rigid_dict(d) -> dict:
    return {
        "recognised": d.recognised,
        "expenses_12_months": f2y(d.spent),
        "income_12_months": f2y(d.income),
        "share": None if d.ratio is None else str(d.ratio.quantize(Decimal("0.0001"))),
        "required_share": str(d.share),
        "per_capita_annual_income": f2y(d.per_capita),
        "disposable_income_line": f2y(d.line),
        "valid_from": d.valid_from.isoformat() if d.valid_from else None,
        "valid_until": d.valid_until.isoformat() if d.valid_until else None,
    }




def programmes(r: HouseholdResult) -> list[str]:
    """The programmes this household's people fall in (低保, 低保边缘, 特困供养), in that order."""
    out = []
    if r.status in PROGRAMME_OF_STATUS:
        out.append(PROGRAMME_OF_STATUS[r.status])
    if r.tekun and r.supported:
        out.append("特困供养")
    if r.rigid is not None and r.rigid.recognised:
        out.append("刚性支出困难家庭")
    return out


TEKUN_OUTCOME = {"supported": "特困供养", "refused": "不符合特困供养条件", "ended": "终止特困供养"}


def tekun_dict(d) -> dict:
    supported = d.outcome == "supported"
    return {
        "name": d.member.name,
        "outcome": d.outcome,
        "outcome_label": TEKUN_OUTCOME[d.outcome],
        "already_supported": d.existing,
        "no_ability_grounds": d.grounds,
        "own_annual_income": f2y(d.own_income),
        "support_mode": d.mode if supported else None,
        "payee": d.payee if supported else None,
        "self_care": d.care_level,
        "monthly": None if not supported else {
            "basic": y(d.basic), "care": y(d.care) if d.care_known else None, "total": y(d.total)},
        "reasons": [{"code": c, "text": t, "basis": b} for c, t, b in d.reasons],
    }


class Totals:
    """Households, members and monthly money by status, added up one result at a time."""

    def __init__(self, results=()):
        self.households, self.people, self.money = Counter(), Counter(), {}
        self.tekun_people, self.tekun_money = Counter(), {}
        for r in results:
            self.add(r)

    def add(self, r: HouseholdResult) -> None:
        self.households[r.status] += 1
        self.people[r.status] += len(r.members)
        if r.benefit_known:
            self.money[r.status] = self.money.get(r.status, Decimal(0)) + r.total
        for d in r.supported:
            self.tekun_people[d.mode] += 1
            self.tekun_money[d.mode] = self.tekun_money.get(d.mode, Decimal(0)) + d.total

    def add_decided(self, d) -> None:
        """`add` for a household the columnar engine decided (assess/vector.py): no 特困 people."""
        status = d.status
        self.households[status] += 1
        self.people[status] += len(d.members)
        if d.total is not None:
            self.money[status] = self.money.get(status, Decimal(0)) + d.total

    def add_decided_block(self, decided: list) -> None:
        """`add_decided` for each household of a block the columnar engine decided (none of them None)."""
        households, people, money = self.households, self.people, self.money
        zero = Decimal(0)
        for d in decided:
            status = d.status
            households[status] += 1
            people[status] += len(d.members)
            total = d.total
            if total is not None:
                money[status] = money.get(status, zero) + total

    def exact(self) -> dict:
        """The sums as plain values another process can be handed (JSON or marshal): counts as they are, money as
        its exact decimal text."""
        return {"households": dict(self.households), "people": dict(self.people),
                "money": {k: str(v) for k, v in self.money.items()}, "tekun_people": dict(self.tekun_people),
                "tekun_money": {k: str(v) for k, v in self.tekun_money.items()}}

    def add_exact(self, sums: dict) -> None:
        """Add another process's `exact()` sums, key by key (an exact sum of Decimals does not depend on its order)."""
        self.households.update(sums["households"])
        self.people.update(sums["people"])
        self.tekun_people.update(sums["tekun_people"])
        for mine, theirs in ((self.money, sums["money"]), (self.tekun_money, sums["tekun_money"])):
            for key, text in theirs.items():
                mine[key] = mine.get(key, Decimal(0)) + Decimal(text)

    def programmes(self) -> dict:
        """Persons and monthly money per programme beside 低保 (特困供养 by 供养方式)."""
        modes = ("分散供养", "集中供养")
        return {"tekun": {
            "label": "特困供养",
            "persons": sum(self.tekun_people[m] for m in modes),
            "monthly_support": y(sum((self.tekun_money.get(m, Decimal(0)) for m in modes), Decimal(0))),
            "by_mode": {m: {"persons": self.tekun_people[m], "monthly_support": y(self.tekun_money.get(m, 0))}
                        for m in modes},
        }}

    def as_dict(self) -> dict:
        return {
            status: {"label": STATUS_LABEL[status], "households": self.households[status],
                     "members": self.people[status], "monthly_benefit": y(self.money.get(status, 0))}
            for status in STATUS_ORDER
        }


def totals(assessment: Assessment) -> dict:
    return Totals(assessment.results).as_dict()


def json_chunks(assessment: Assessment, columnar: bool = True):
    """The JSON document (format in README.md) in pieces: households are assessed, written and dropped a block
    at a time when the assessment is only planned (`plan_assessment`), so memory stays flat; the summary comes
    last because it is added up on the way. A planned assessment is decided on columns where the columnar
    engine can (assess/vector.py, written from its figures) and one household at a time elsewhere
    (`columnar=False` or DIBAO_ENGINE=household: everywhere); the bytes are the same."""
    import os

    import orjson

    def dumps(obj) -> bytes:
        return orjson.dumps(obj, option=orjson.OPT_INDENT_2)

    running = Totals()
    yield b'{\n"policy": ' + dumps(policy_block(assessment))
    yield b',\n"households": ['
    if assessment.results or not assessment.pending:
        pieces = (dumps(household_dict(r)) for r in _counted(assessment.results, running))
    elif columnar and os.environ.get("DIBAO_ENGINE") != "household":  # a chunk of objects per block, as it comes
        from dibao_cli.reports.assess_json_parallel import chunks

        yield from chunks(assessment, running)  # a large roster on both cores (reports/assess_json_parallel.py)
        pieces = ()
    else:
        from dibao_cli.assess.household import iter_results

        pieces = (dumps(household_dict(r)) for r in _counted(iter_results(assessment), running))
    buffer = []
    for index, piece in enumerate(pieces):
        buffer.append((b"\n" if index == 0 else b",\n") + piece)
        if len(buffer) >= 1000:
            yield b"".join(buffer)
            buffer.clear()
    yield b"".join(buffer)
    yield b"\n],\n\"left_out\": " + dumps([{"household_id": h.household_id, "problems": [p.as_dict() for p in ps]}
                                           for h, ps in assessment.left_out])
    yield b',\n"problems": ' + dumps([p.as_dict() for p in assessment.problems])
    yield b',\n"summary": ' + dumps(running.as_dict())
    yield b',\n"programmes": ' + dumps(running.programmes()) + b"\n}\n"


def _counted(results, running: Totals):
    for result in results:
        running.add(result)
        yield result


def as_json(assessment: Assessment) -> bytes:
    return b"".join(json_chunks(assessment))


STATUS_STYLE = {"dibao": "green", "single_person": "green", "phase_out": "yellow", "exit": "red", "marginal": "cyan",
                "ineligible": "white", "tekun": "magenta", "rigid": "cyan"}


def print_table(console, assessment: Assessment, limit: int | None = None) -> None:
    from rich.table import Table
    from rich.text import Text

    p = policy_block(assessment)
    console.print(f"核算日期 {p['date']}；地区 {literal(p['region'])}；政策：{literal(p['name'])}（指纹 {p['hash'][:12]}）")
    for note in p["notes"]:
        console.print(Text(note, style="dim"))
    table = Table(title="逐户结果", title_justify="left")
    for name, justify in (("户编号", "left"), ("村(社区)", "left"), ("户主", "left"), ("人数", "right"),
                          ("保障", "right"), ("结果", "left"), ("月人均收入", "right"), ("标准", "right"),
                          ("月保障金", "right"), ("理由", "left")):
        table.add_column(name, justify=justify, overflow="fold", no_wrap=justify == "right" or name == "户编号")
    rows = assessment.results if limit is None else assessment.results[:limit]
    for r in rows:
        d = household_dict(r)
        total = d["monthly_benefit"]["total"]
        table.add_row(*literal_cells((d["household_id"], d["village"], d["head_name"])), str(d["members"]),
                      str(d["covered_members"]), f"[{STATUS_STYLE[r.status]}]{d['status_label']}[/]",
                      d["per_capita_monthly_income"], d["monthly_standard"],
                      "未知" if total is None else total, literal(short_reasons(r)))
    console.print(table)
    if limit is not None and len(assessment.results) > limit:
        print_cut(console, len(assessment.results), limit, "户",
                  ((r.household.township, STATUS_LABEL[r.status]) for r in assessment.results), "核算结果")
    summary = Table(title="汇总", title_justify="left")
    for name in ("认定结果", "户数", "人数", "月保障金(元)"):
        summary.add_column(name, justify="left" if name == "认定结果" else "right")
    for status, t in totals(assessment).items():
        summary.add_row(t["label"], str(t["households"]), str(t["members"]), t["monthly_benefit"])
    summary.add_row("有错误未核算", str(len(assessment.left_out)), str(sum(len(h.members) for h, _ in assessment.left_out)), "")
    tekun = Totals(assessment.results).programmes()["tekun"]
    if tekun["persons"]:
        for mode, t in tekun["by_mode"].items():
            summary.add_row(f"特困{mode}（人）", "", str(t["persons"]), t["monthly_support"])
    console.print(summary)
    if assessment.left_out:
        console.print(f"[red]{len(assessment.left_out)} 户因名册错误未核算[/]：" +
                      literal("、".join(h.household_id for h, _ in assessment.left_out[:20])) +
                      ("……" if len(assessment.left_out) > 20 else "") + "。用 dibao check 查看并修改。")
    flagged = sum(1 for r in assessment.results if r.flags)
    if flagged:
        console.print(f"{flagged} 户有提示（特困候选、脱贫户未纳入、金额变化等），见 xlsx 的“户明细”或 dibao explain。")
