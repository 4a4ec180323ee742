"""The reforms `dibao impact` compares: each a list of policy files laid on top of the policy in force (a reform
policy file with only the values that change, values given as `name=value`, one value of a grid), and what
differs between the policy in force and a reform on the day.

Values given on the command line are checked exactly like a policy file's values and dated from the effective
date."""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

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

GRID_LIMIT = 40
SET_SOURCE = "测算方案"


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
