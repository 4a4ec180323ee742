"""Reform impact (`dibao impact`): one roster, read and checked once, assessed under the policy in force
and under one or more reforms; what changes, for whom, and what it costs.

A reform is a list of policy files laid on top of the policy in force: a reform policy file (only the
values that change), values given as `name=value` (checked exactly like a policy file's values, dated from
the effective date) and one value of a grid. Both sides are assessed on the same day with the same
household facts, so every difference comes from the policy alone.

Money is integer fen. The monthly benefit is split as the monthly report splits it: 差额, 分类施保 (each
rounded half up to the fen), 渐退期发放 (paid at the former amount), and 取整及保底调整 (what rounding and the
minimum add), which add up to the total. Annual money is the monthly money x 12 (the roster's households
and amounts held for a year).
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from dibao_cli import money
from dibao_cli.assess.household import assess_household, plan_assessment
from dibao_cli.errors import PolicyInvalid
from dibao_cli.policy import PolicyAt
from dibao_cli.policy.loader import (
    Policy,
    PolicyFile,
    override_file,
    parse_policy_file,
    region_chain,
    region_name,
    tomllib,
)
from dibao_cli.policy.schema import BY_NAME, PARAMETERS
from dibao_cli.reports.assess import short_reasons
from dibao_cli.status import COVERED, EXIT, INELIGIBLE, MARGINAL
from dibao_cli.status import LABEL as STATUS_LABEL

LEFT_OUT = "left_out"
BASE_ORDER = (*COVERED, EXIT, MARGINAL, INELIGIBLE)
MONTHS_PER_YEAR = 12
GRID_LIMIT = 40
SET_SOURCE = "测算方案"


def status_order() -> list[str]:
    """Every status the engine has, in report order, then households left out for errors."""
    return [*BASE_ORDER, *(s for s in STATUS_LABEL if s not in BASE_ORDER), LEFT_OUT]


def status_label(status: str) -> str:
    return "有错误未核算" if status == LEFT_OUT else STATUS_LABEL.get(status, status)


# ---------------------------------------------------------------------------------------------- reforms
@dataclass
class Reform:
    """One alternative: the files laid on top of the policy in force, and its short name."""

    name: str
    files: list[PolicyFile]


def _raw(param, text: str):
    """A command-line value as a policy file would hold it: TOML syntax (6000, 1.5, true, ["农村"]), or plain
    text; a comma-separated list for list parameters."""
    text = text.strip()
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        pass
    if param is not None and param.kind in ("choices", "grades"):
        parts = [p.strip() for p in text.replace("、", ",").replace("，", ",").split(",") if p.strip()]
        if param.kind == "grades":
            return [int(p) if p.isdigit() else p for p in parts]
        return parts
    return text


def parse_set(text: str) -> tuple[str, object, str]:
    """`name=value` -> (name, raw value, how it was written)."""
    shown = f"--set {text}"
    if "=" not in text:
        raise PolicyInvalid(f"{shown}：应写成 参数名=数值，如 --set rural_standard_annual=6000。")
    name, value = (part.strip() for part in text.split("=", 1))
    param = BY_NAME.get(name)
    if param is None:
        raise PolicyInvalid(f"{shown}：不认识的参数 {name}（可用参数见 dibao policy show，如 rural_standard_annual）。")
    if not value:
        raise PolicyInvalid(f"{shown}：缺少数值。")
    raw = _raw(param, value)
    if isinstance(raw, float) and not math.isfinite(raw):  # TOML reads inf, nan and 1e400 as such floats
        raise PolicyInvalid(f"{shown}：应为有限的数字，如 --set {name}=6000。")
    return name, raw, shown


def parse_grid(text: str) -> tuple[str, list[tuple[object, str]]]:
    """`name=start:stop:step` -> (name, [(raw value, shown value)]), start and stop included."""
    shown = f"--grid {text}"
    name, _, spec = text.partition("=")
    name = name.strip()
    param = BY_NAME.get(name)
    if param is None:
        raise PolicyInvalid(f"{shown}：不认识的参数 {name}（可用参数见 dibao policy show）。")
    if param.kind not in ("money", "share", "multiplier", "months", "count"):
        raise PolicyInvalid(f"{shown}：参数 {name} 不是数值，不能按步长取值。")
    parts = spec.split(":")
    try:
        start, stop, step = (Decimal(p.strip()) for p in parts) if len(parts) == 3 else (None,) * 3
    except InvalidOperation:
        start = None
    if start is None or not all(v.is_finite() for v in (start, stop, step)):
        raise PolicyInvalid(f"{shown}：应写成 参数名=起:止:步长，如 rural_standard_annual=5400:6600:300。")
    if step <= 0 or stop < start:
        raise PolicyInvalid(f"{shown}：步长应大于 0，且起点不大于终点。")
    count = int((stop - start) / step) + 1
    if count > GRID_LIMIT:
        raise PolicyInvalid(f"{shown}：共 {count} 个取值，超过 {GRID_LIMIT} 个；请加大步长。")
    values = []
    for i in range(count):
        v = start + step * i
        raw = int(v) if v == v.to_integral_value() else str(v)
        values.append((raw, str(raw)))
    return name, values


def build_reforms(base: Policy, effective: _dt.date, policy_paths=(), sets=(), grid: str | None = None) -> list[Reform]:
    """The alternatives to compare: each reform policy file (repeated = alternatives), or the --set values
    alone, or each value of a grid (on top of one reform file and the --set values)."""
    chain = region_chain(base.region)
    files = []
    for path in policy_paths:
        reform_file = parse_policy_file(Path(path))
        if reform_file.region not in chain:
            raise PolicyInvalid(
                f"方案文件 {reform_file.path} 属于地区 {reform_file.region}（{reform_file.name}），不适用于现行政策的地区 "
                f"{base.region}（{region_name(base.region)}）。请检查 --region 或文件中的 [region] code。")
        files.append(reform_file)
    pairs = [parse_set(s) for s in sets]
    seen: set[str] = set()
    for name, _, shown in pairs:
        if name in seen:
            raise PolicyInvalid(f"{shown}：参数 {name} 给了两次。")
        seen.add(name)
    set_file = [override_file(base.region, pairs, effective, SET_SOURCE)] if pairs else []
    set_name = "，".join(f"{BY_NAME[name].label}={shown.split('=', 1)[1].strip()}" for name, _, shown in pairs)
    if grid is not None:
        if len(files) > 1:
            raise PolicyInvalid("--grid 只能与一个方案文件（--policy）一起用。")
        name, values = parse_grid(grid)
        if name in seen:
            raise PolicyInvalid(f"--grid {grid}：参数 {name} 已用 --set 给出。")
        prefix = "，".join(x for x in ([Path(files[0].path).stem] if files else []) + ([set_name] if set_name else []))
        return [Reform((f"{prefix}，" if prefix else "") + f"{BY_NAME[name].label}={shown}",
                       files + set_file + [override_file(base.region, [(name, raw, f"--grid {name}={shown}")],
                                                          effective, SET_SOURCE)])
                for raw, shown in values]
    if files:
        return [Reform(Path(f.path).stem + (f"，{set_name}" if set_name else ""), [f, *set_file]) for f in files]
    if set_file:
        return [Reform(set_name, set_file)]
    raise PolicyInvalid("没有给出要测算的方案：用 --policy 方案.toml、--set 参数=数值 或 --grid 参数=起:止:步长。")


def reform_policy(base: Policy, reform: Reform) -> Policy:
    """The policy in force with the reform's files on top (they win over every level below)."""
    return Policy(base.region, [*base.files, *reform.files], list(base.notes))


def _shown(param, value) -> str:
    if value is None:
        return "未设"
    if isinstance(value, tuple):
        return "、".join(str(v) for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if param.kind == "rounding":
        return {"1": "元", "0.1": "角", "0.01": "分"}.get(str(value), str(value))
    return f"{value} {param.unit}".strip()


@dataclass
class Difference:
    label: str
    name: str
    before: str
    after: str
    source: str


def differences(base: PolicyAt, alt: PolicyAt) -> list[Difference]:
    """Each parameter and income item whose value differs between the two policies on the day."""
    out = []
    for param in PARAMETERS:
        before, after = getattr(base, param.name), getattr(alt, param.name)
        if before != after:
            entry = alt.entry(param.name)
            out.append(Difference(param.label, param.name, _shown(param, before), _shown(param, after),
                                  entry.source if entry is not None else ""))
    for item in alt.policy.income_item_names():
        before, after = base.income_item(item), alt.income_item(item)
        b = None if before is None else before[1].value
        a = None if after is None else after[1].value
        if b != a:
            text = {None: "未列明", True: "计入", False: "不计入"}
            out.append(Difference(f"收入项目“{item}”", item, text[b], text[a], after[1].source if after else ""))
    return out


# ---------------------------------------------------------------------------------------------- comparison
def _fen(value: Decimal) -> int:
    return money.to_fen(value)


class Money:
    """Covered households, persons and monthly fen of one side, for one township or the total."""

    __slots__ = ("households", "persons", "differential", "classified", "phase_out", "adjustment", "total", "unknown")
    FIELDS = __slots__

    def __init__(self):
        for name in self.FIELDS:
            setattr(self, name, 0)

    def add(self, other: "Money") -> None:
        for name in self.FIELDS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def annual(self) -> int:
        return self.total * MONTHS_PER_YEAR


class Side:
    """One household under one policy."""

    __slots__ = ("status", "total", "differential", "classified", "covered", "result")

    def __init__(self, status, total, differential, classified, covered, result):
        self.status, self.total, self.differential, self.classified = status, total, differential, classified
        self.covered, self.result = covered, result

    @property
    def reasons(self) -> str:
        if self.result is None:
            return "名册有错误，未核算"
        return "；".join(r.text for r in self.result.reasons)

    @property
    def short_reasons(self) -> str:
        if self.result is None:
            return "名册有错误"
        return short_reasons(self.result)

    def detached(self) -> "Side":
        """The same figures without the assessment behind them (kept for a listed household)."""
        return Side(self.status, self.total, self.differential, self.classified, self.covered, None)

    @property
    def paid(self) -> int:
        """Monthly fen paid (0 when not covered or not known)."""
        return self.total or 0


def _side(household, policy: PolicyAt, day: _dt.date, pending: set) -> Side:
    if household not in pending:
        return Side(LEFT_OUT, None, 0, 0, 0, None)
    r = assess_household(household, policy, day)
    if r.status not in COVERED:
        return Side(r.status, 0, 0, 0, 0, r)
    total = int(r.total * 100) if r.benefit_known else None
    if r.status == "phase_out":
        return Side(r.status, total, 0, 0, len(r.covered), r)
    return Side(r.status, total, _fen(r.differential), _fen(r.classified), len(r.covered), r)


def _count(money: dict[str, Money], township: str, side: Side) -> None:
    if side.status not in COVERED:
        return
    m = money.get(township)
    if m is None:
        m = money[township] = Money()
    m.households += 1
    m.persons += side.covered
    if side.total is None:
        m.unknown += 1
        return
    if side.status == "phase_out":
        m.phase_out += side.total
    else:
        m.differential += side.differential
        m.classified += side.classified
        m.adjustment += side.total - side.differential - side.classified
    m.total += side.total


class Change:
    """A household whose status or amount differs between the two sides."""

    __slots__ = ("household", "persons", "before", "after", "before_reasons", "after_reasons", "before_short",
                 "after_short")

    def __init__(self, household, persons: int, before: Side, after: Side):
        self.household, self.persons = household, persons
        self.before_reasons, self.after_reasons = before.reasons, after.reasons
        self.before_short, self.after_short = before.short_reasons, after.short_reasons
        self.before, self.after = before.detached(), after.detached()

    @property
    def delta(self) -> int:
        return self.after.paid - self.before.paid

    @property
    def falls(self) -> bool:
        """The household gets less than before (or an amount that cannot be known)."""
        if self.before.paid == 0:
            return False
        return self.after.total is None or self.after.paid < self.before.paid


@dataclass
class Alternative:
    reform: Reform
    policy: PolicyAt
    differences: list[Difference]
    transitions: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # (before, after) -> [households, persons]
    money: dict[str, Money] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def decreases(self) -> list[Change]:
        return [c for c in self.changes if c.falls]


@dataclass
class Impact:
    day: _dt.date
    effective: _dt.date
    base: PolicyAt
    base_money: dict[str, Money]
    alternatives: list[Alternative]
    households: int
    persons: int
    left_out: int

    @property
    def townships(self) -> list[str]:
        names = set(self.base_money)
        for alt in self.alternatives:
            names.update(alt.money)
        return sorted(names)


def total(money: dict[str, Money]) -> Money:
    out = Money()
    for m in money.values():
        out.add(m)
    return out


def compare(roster, base: PolicyAt, reforms: list[tuple[Reform, PolicyAt]], day: _dt.date, effective: _dt.date,
            progress=None) -> Impact:
    """Assess every household of the roster once under the policy in force and once under each reform."""
    alternatives = [Alternative(reform, policy, differences(base, policy)) for reform, policy in reforms]
    for alt in alternatives:
        if not alt.differences:
            dated = any(f.path != SET_SOURCE for f in alt.reform.files)
            alt.notes.append(f"本方案在 {day.isoformat()} 与现行政策没有差别" + (
                "（方案文件中的日期是否晚于核算日期？可用 --effective 指定生效日期）。" if dated else "。"))
    base_plan = plan_assessment(roster, base, day)
    base_pending = set(base_plan.pending)  # the households themselves: no id() to go stale
    pendings = []
    for alt in alternatives:
        plan = plan_assessment(roster, alt.policy, day)
        pendings.append(base_pending if len(plan.pending) == len(base_plan.pending) and
                        all(h in base_pending for h in plan.pending) else set(plan.pending))
    base_money: dict[str, Money] = {}
    households = persons = 0
    for index, household in enumerate(roster.households.values()):
        township = household.township or "（未填乡镇）"
        before = _side(household, base, day, base_pending)
        _count(base_money, township, before)
        n = len(before.result.members) if before.result is not None else len(household.members)
        households += 1
        persons += n
        for alt, pending in zip(alternatives, pendings):
            after = _side(household, alt.policy, day, pending)
            _count(alt.money, township, after)
            key = (before.status, after.status)
            cell = alt.transitions.get(key)
            if cell is None:
                alt.transitions[key] = [1, n]
            else:
                cell[0] += 1
                cell[1] += n
            if after.status != before.status or after.total != before.total:
                alt.changes.append(Change(household, n, before, after))
        if progress is not None and index % 1000 == 999:
            progress(1000)
    return Impact(day, effective, base, base_money, alternatives, households, persons, len(base_plan.left_out))

