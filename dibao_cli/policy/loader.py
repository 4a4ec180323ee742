"""Loading policy files: strict TOML, dated and cited values, province -> prefecture -> county.

Reading one file is here; its entries and values are checked in entries.py, region codes are in regions.py,
the value in force on a day is looked up in dated.py. The names of those modules stay importable from here.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
from pathlib import Path

from dibao_cli.errors import PolicyInvalid
from dibao_cli.policy import schema
from dibao_cli.policy.dated import Policy
from dibao_cli.policy.entries import Entry, PolicyFile, convert, dated_entries
from dibao_cli.policy.locate import fail_at
from dibao_cli.policy.regions import COUNTIES, PREFECTURES, PROVINCE, check_region, region_chain, region_name

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

DATA = Path(__file__).parent / "data"
__all__ = ["COUNTIES", "DATA", "PREFECTURES", "PROVINCE", "Entry", "Policy", "PolicyFile", "check_region",
           "load_policy", "override_file", "parse_policy_file", "region_chain", "region_name", "tomllib"]


def parse_policy_file(path: Path | str, *, builtin: bool = False) -> PolicyFile:
    """Read and validate one policy file."""
    path = Path(path)
    shown = f"（内置）{path.name}" if builtin else str(path)
    try:
        data_bytes = path.read_bytes()
    except FileNotFoundError:
        raise PolicyInvalid(f"找不到政策文件：{path}") from None
    except OSError as exc:
        raise PolicyInvalid(f"无法读取政策文件 {path}：{exc.strerror or exc}") from None
    try:
        text = data_bytes.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PolicyInvalid(f"政策文件 {shown} 不是 UTF-8 编码。请用记事本“另存为 UTF-8”后再试。") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        import re

        at = re.search(r"at line (\d+), column (\d+)", str(exc))
        where = f"第 {at.group(1)} 行第 {at.group(2)} 列附近" if at else ("末尾" if "end of document" in str(exc) else "")
        raise PolicyInvalid(f"政策文件 {shown} {where}不是正确的 TOML 写法（常见原因：文字没有加英文双引号、"
                            f"括号或引号没有配对、同一项写了两次）。请对照 dibao 自带的示例修改。") from None
    unknown = set(data) - schema.TOP_KEYS
    if unknown:
        name = sorted(unknown)[0]
        raise fail_at(shown, text, name, None,
                    f"不认识的表 [{name}]；只能有 [region]、[parameters.…]、[income_items.…]、[documents]、[calendar]")
    region_table = data.get("region")
    if not isinstance(region_table, dict) or "code" not in region_table:
        raise PolicyInvalid(f"政策文件 {shown} 缺少 [region] 表和 code（地区代码，如 code = \"632521\"）。")
    extra = set(region_table) - schema.REGION_KEYS
    if extra:
        raise fail_at(shown, text, "region", sorted(extra)[0], "不认识的键；[region] 只能有 code、name")
    code = str(region_table["code"])
    try:
        check_region(code)
    except PolicyInvalid as exc:
        raise fail_at(shown, text, "region", "code", exc.message) from None
    result = PolicyFile(shown, code, str(region_table.get("name") or region_name(code)),
                        hashlib.sha256(data_bytes).hexdigest())
    documents = data.get("documents", {})
    if not isinstance(documents, dict):
        raise fail_at(shown, text, "documents", None, "应为表")
    for key, value in documents.items():
        if key not in schema.DOCUMENT_KEYS:
            raise fail_at(shown, text, "documents", key, f"不认识的键；[documents] 只能有 {'、'.join(schema.DOCUMENT_KEYS)}")
        if not isinstance(value, str):
            raise fail_at(shown, text, "documents", key, "应为文字")
        if value.strip():
            result.documents[key] = value.strip()
    parameters = data.get("parameters", {})
    if not isinstance(parameters, dict):
        raise fail_at(shown, text, "parameters", None, "应为表")
    for name, body in parameters.items():
        param = schema.BY_NAME.get(name)
        table = f"parameters.{name}"
        if param is None:
            raise fail_at(shown, text, table, None, f"不认识的参数 {name}（可用参数见 dibao policy show）")
        if not isinstance(body, dict) or not body:
            raise fail_at(shown, text, table, None, "至少要有一条带日期的值")
        result.parameters[name] = dated_entries(shown, text, table, body, code,
                                           lambda raw, fail, param=param: convert(param, raw, fail))
    items = data.get("income_items", {})
    if not isinstance(items, dict):
        raise fail_at(shown, text, "income_items", None, "应为表")
    for item, body in items.items():
        table = f'income_items."{item}"'
        if not isinstance(body, dict):
            raise fail_at(shown, text, table, None, "应为表")
        category = body.get("category")
        if category is not None and category not in schema.INCOME_CATEGORIES:
            raise fail_at(shown, text, table, "category", f"收入类别应为 {'、'.join(schema.INCOME_CATEGORIES)} 之一")

        def treatment(raw, fail):
            if raw not in schema.INCOME_TREATMENT:
                raise fail("应为“计入”或“不计入”")
            return schema.INCOME_TREATMENT[raw]

        entries = dated_entries(shown, text, table, body, code, treatment)
        if not entries:
            raise fail_at(shown, text, table, None, "至少要有一条带日期的值")
        result.income_items[item] = (category, entries)
    result.calendar = _calendar_entries(shown, text, data.get("calendar", {}), code)
    return result


def _calendar_entries(shown: str, text: str, body, code: str) -> list[Entry]:
    """[calendar]: "2027-10-01" = { value = "休", source = "…" } (or "班" for a working weekend day)."""
    if not isinstance(body, dict):
        raise fail_at(shown, text, "calendar", None, "应为表")

    def day_kind(raw, fail):
        if raw not in schema.CALENDAR_VALUES:
            raise fail("应为“休”（放假）或“班”（调休上班）")
        return schema.CALENDAR_VALUES[raw]

    return dated_entries(shown, text, "calendar", body, code, day_kind)


def load_policy(region: str | None = None, policy_paths: list[Path] | tuple = ()) -> Policy:
    """The policy for `region`, built from the built-in province file and any given files."""
    given = [parse_policy_file(p) for p in policy_paths]
    if region is None:
        region = max((f.region for f in given), key=lambda c: len(region_chain(c)), default=PROVINCE)
    chain = region_chain(region)
    by_region: dict[str, PolicyFile] = {}
    for code in chain:
        builtin = DATA / f"{code}.toml"
        if builtin.exists():
            by_region[code] = parse_policy_file(builtin, builtin=True)
    for policy_file in given:
        if policy_file.region not in chain:
            raise PolicyInvalid(
                f"政策文件 {policy_file.path} 属于地区 {policy_file.region}（{policy_file.name}），"
                f"不适用于 {region}（{region_name(region)}）。请检查 --region 或文件中的 [region] code。"
            )
        if policy_file.region in by_region and not by_region[policy_file.region].path.startswith("（内置）"):
            raise PolicyInvalid(f"同一地区 {policy_file.region} 给了两个政策文件：{by_region[policy_file.region].path} 和 {policy_file.path}。")
        by_region[policy_file.region] = policy_file
    files = [by_region[c] for c in chain if c in by_region]
    policy = Policy(region, files)
    missing = [c for c in chain if c not in by_region]
    for code in missing:
        policy.notes.append(f"{region_name(code)}（{code}）没有政策文件，沿用上级的数值。")
    return policy


def override_file(region: str, pairs: list[tuple[str, object, str]], since: _dt.date, source: str) -> PolicyFile:
    """Values given outside a policy file (`dibao impact --set name=value`), checked exactly like a file's
    values (same parameter names, types and limits) and dated from `since`. `pairs` holds (name, raw value,
    what the user wrote); the returned file goes on top of a policy's chain."""
    result = PolicyFile(source, region, source, hashlib.sha256(repr((pairs, since)).encode()).hexdigest())
    for name, raw, shown in pairs:
        param = schema.BY_NAME.get(name)
        if param is None:
            raise PolicyInvalid(f"{shown}：不认识的参数 {name}（可用参数见 dibao policy show）。")

        def fail(message, shown=shown):
            return PolicyInvalid(f"{shown}：{message}")

        value = convert(param, raw, fail)
        result.parameters[name] = [Entry(since, value, f"{source}（{shown}）", "", source, region, None)]
    return result
