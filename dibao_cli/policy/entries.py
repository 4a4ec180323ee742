"""What a policy file holds (dated, cited entries of each parameter and income item) and how each entry and its
value are checked: a date as the key, a value of the parameter's kind within its limits, a source."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from dibao_cli.policy import schema
from dibao_cli.policy.locate import line_of, fail_at


@dataclass(frozen=True)
class Entry:
    """One dated value of a parameter, with its citation and where it was read."""

    since: _dt.date
    value: object
    source: str
    note: str
    file: str
    region: str
    line: int | None
    confirmed: bool = True  # False: a default with no provincial document; the county must confirm it


@dataclass
class PolicyFile:
    path: str
    region: str
    name: str
    digest: str
    parameters: dict[str, list[Entry]] = field(default_factory=dict)
    income_items: dict[str, tuple[str, list[Entry]]] = field(default_factory=dict)  # item -> (category, entries)
    documents: dict[str, str] = field(default_factory=dict)  # [documents]: what the county prints
    calendar: list[Entry] = field(default_factory=list)  # days added or corrected: since = the day, value = workday


def convert(param: schema.Param, raw, fail) -> object:
    kind = param.kind
    if isinstance(raw, float) and raw != raw:
        raise fail("数值写成了 nan（不是一个数）：请写出实际的数值")
    if isinstance(raw, float) and raw in (float("inf"), float("-inf")):
        raise fail("数值写成了 inf（无穷大）：请写出实际的数值")
    maximum = param.maximum if param.maximum is not None else schema.MAXIMUM.get(kind)
    if kind in ("money", "share", "multiplier"):
        if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
            raise fail(f"应为数字，这里是 {raw!r}")
        try:
            value = Decimal(str(raw).strip())
        except InvalidOperation:
            raise fail(f"应为数字，这里是 {raw!r}") from None
        if value.is_nan():
            raise fail("数值写成了 nan（不是一个数）：请写出实际的数值")
        if value.is_infinite():
            raise fail("数值写成了 inf（无穷大）：请写出实际的数值")
        if value < 0:
            raise fail("不能为负数")
        if kind == "share" and value > 1:
            raise fail("比例应在 0 到 1 之间（如 0.15 表示 15%）")
        if maximum is not None and value > maximum:
            raise fail(f"数值 {raw} 大得不合理（应不超过 {maximum:,}）：请检查是否多写了位数")
        if kind == "multiplier" and value == 0:
            raise fail("倍数应大于 0")
        if param.positive and value == 0:
            raise fail(f"{param.label}不能为 0：标准为 0 时没有任何家庭能纳入。请写出文件规定的标准")
        if kind == "money" and value != value.quantize(Decimal("0.01")):
            raise fail("金额最多两位小数")
        return value
    if kind in ("months", "count"):
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
            raise fail(f"应为不小于 0 的整数，这里是 {raw!r}")
        if maximum is not None and raw > maximum:
            raise fail(f"数值 {raw} 大得不合理（应不超过 {maximum:,}）：请检查是否多写了位数")
        return raw
    if kind == "bool":
        if not isinstance(raw, bool):
            raise fail(f"应为 true 或 false，这里是 {raw!r}")
        return raw
    if kind == "choices":
        if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
            raise fail(f"应为列表，如 {list(param.choices[:2])}")
        wrong = [v for v in raw if v not in param.choices]
        if wrong:
            raise fail(f"不认识 {'、'.join(wrong)}；可用：{'、'.join(param.choices)}")
        return tuple(raw)
    if kind == "texts":
        if not isinstance(raw, list) or not all(isinstance(v, str) and v.strip() for v in raw):
            raise fail("应为文字列表，如 [\"医疗救助\", \"临时救助\"]")
        return tuple(v.strip() for v in raw)
    if kind == "grades":
        if not isinstance(raw, list) or not all(isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 4 for v in raw):
            raise fail("应为 1 到 4 的残疾等级列表，如 [1, 2]")
        return tuple(raw)
    if kind == "rounding":
        if raw not in schema.ROUNDING:
            raise fail(f"取整单位应为 {'、'.join(schema.ROUNDING)} 之一")
        return Decimal(schema.ROUNDING[raw])
    raise AssertionError(kind)


def dated_entries(path: str, text: str, table: str, body: dict, region: str, convert) -> list[Entry]:
    entries = []
    for key, entry in body.items():
        if key == "category" and table.startswith("income_items"):
            continue
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", key):
            raise fail_at(path, text, table, key, f"“{key}”不是日期；每条写成 \"2021-01-01\" = {{ value = …, source = \"…\" }}")
        try:
            since = _dt.date.fromisoformat(key)
        except ValueError:
            raise fail_at(path, text, table, key, f"日期 {key} 不存在") from None
        if not isinstance(entry, dict):
            raise fail_at(path, text, table, key, "应写成 { value = …, source = \"出处\" }")
        unknown = set(entry) - schema.ENTRY_KEYS
        if unknown:
            raise fail_at(path, text, table, key,
                        f"不认识的键 {'、'.join(sorted(unknown))}；只能有 value、source、note、confirmed")
        if "value" not in entry:
            raise fail_at(path, text, table, key, "缺少 value")
        source = entry.get("source")
        if not isinstance(source, str) or not source.strip():
            raise fail_at(path, text, table, key, "缺少 source（文件名称、文号、条款）：每个数值都要注明出处")
        note = entry.get("note", "")
        if not isinstance(note, str):
            raise fail_at(path, text, table, key, "note 应为文字")
        confirmed = entry.get("confirmed", True)
        if not isinstance(confirmed, bool):
            raise fail_at(path, text, table, key, "confirmed 应为 true 或 false（false 表示县里尚未按本地文件确认这个数值）")

        def fail(message, key=key):
            return fail_at(path, text, table, key, message)

        value = convert(entry["value"], fail)
        entries.append(Entry(since, value, source.strip(), note, path, region, line_of(text, table, key), confirmed))
    entries.sort(key=lambda e: e.since)
    return entries
