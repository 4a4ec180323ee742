"""Loading policy files: strict TOML, dated and cited values, province -> prefecture -> county.

A value in force for region R at date D comes from the most specific file in R's chain that has an
entry dated on or before D. A parameter with no entry in force is an error, never a silent 0.
"""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from dibao_cli.errors import PolicyInvalid
from dibao_cli.policy import schema

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

DATA = Path(__file__).parent / "data"
PROVINCE = "630000"
PREFECTURES = {
    "630100": "西宁市", "630200": "海东市", "632200": "海北州", "632300": "黄南州", "632500": "海南州",
    "632600": "果洛州", "632700": "玉树州", "632800": "海西州",
}
COUNTIES = {"632521": "共和县", "632523": "贵德县", "630223": "互助县", "632621": "玛沁县", "632701": "玉树市",
            "632801": "格尔木市"}


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


def region_chain(code: str) -> list[str]:
    """630000 -> [630000]; 632500 -> [630000, 632500]; 632521 -> [630000, 632500, 632521]."""
    check_region(code)
    chain = [PROVINCE]
    if code != PROVINCE:
        prefecture = code[:4] + "00"
        chain.append(prefecture)
        if code != prefecture:
            chain.append(code)
    return chain


def check_region(code: str) -> None:
    if not re.fullmatch(r"\d{6}", code or ""):
        raise PolicyInvalid(f"地区代码“{code}”应为6位数字，如共和县 632521、海南州 632500、青海省 630000。")
    if not code.startswith("63"):
        raise PolicyInvalid(f"地区代码 {code} 不在青海省（63开头）。dibao 目前只带青海省政策。")
    prefecture = code[:4] + "00"
    if code != PROVINCE and prefecture not in PREFECTURES:
        raise PolicyInvalid(f"地区代码 {code} 不属于青海省的任何市州（{'、'.join(f'{k} {v}' for k, v in PREFECTURES.items())}）。")


def region_name(code: str) -> str:
    if code == PROVINCE:
        return "青海省"
    return PREFECTURES.get(code) or COUNTIES.get(code) or code


def _line_of(text: str, table: str, key: str | None) -> int | None:
    """Best-effort line number of `key` inside `[table]` (TOML parsers do not keep positions).

    The file is indexed once (see `_line_index`): looking up every entry of a large file stays linear."""
    tables, keys = _line_index(text)
    name = _table_name(table)
    if key is None:
        return tables.get(name)
    return keys.get((name, key.replace("'", '"').strip('"')), tables.get(name))


def _table_name(table: str) -> str:
    """`parameters . x`, `income_items."工资"` and `income_items.'工资'` name the same table."""
    return ".".join(part.strip().strip('"').strip("'") for part in re.split(r"""\.(?=(?:[^"']*["'][^"']*["'])*[^"']*$)""", table))


@functools.lru_cache(maxsize=8)
def _line_index(text: str) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    """The first line of each `[table]` and of each key inside it (one pass over the file)."""
    tables: dict[str, int] = {}
    keys: dict[tuple[str, str], int] = {}
    current = None
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$", line)
        if header:
            current = _table_name(header.group(1))
            tables.setdefault(current, number)
            continue
        if current is None:
            continue
        found = re.match(r"""^\s*(?:"([^"]*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*=""", line)
        if found:
            key = next(g for g in found.groups() if g is not None)
            keys.setdefault((current, key), number)
    return tables, keys


def _fail(path: str, text: str, table: str, key: str | None, message: str) -> PolicyInvalid:
    line = _line_of(text, table, key)
    where = f"{path}" + (f" 第 {line} 行" if line else "") + f"（[{table}]" + (f" {key}" if key else "") + "）"
    return PolicyInvalid(f"政策文件 {where}：{message}")


def _convert(param: schema.Param, raw, fail) -> object:
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


def _entries(path: str, text: str, table: str, body: dict, region: str, convert) -> list[Entry]:
    entries = []
    for key, entry in body.items():
        if key == "category" and table.startswith("income_items"):
            continue
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", key):
            raise _fail(path, text, table, key, f"“{key}”不是日期；每条写成 \"2021-01-01\" = {{ value = …, source = \"…\" }}")
        try:
            since = _dt.date.fromisoformat(key)
        except ValueError:
            raise _fail(path, text, table, key, f"日期 {key} 不存在") from None
        if not isinstance(entry, dict):
            raise _fail(path, text, table, key, "应写成 { value = …, source = \"出处\" }")
        unknown = set(entry) - schema.ENTRY_KEYS
        if unknown:
            raise _fail(path, text, table, key,
                        f"不认识的键 {'、'.join(sorted(unknown))}；只能有 value、source、note、confirmed")
        if "value" not in entry:
            raise _fail(path, text, table, key, "缺少 value")
        source = entry.get("source")
        if not isinstance(source, str) or not source.strip():
            raise _fail(path, text, table, key, "缺少 source（文件名称、文号、条款）：每个数值都要注明出处")
        note = entry.get("note", "")
        if not isinstance(note, str):
            raise _fail(path, text, table, key, "note 应为文字")
        confirmed = entry.get("confirmed", True)
        if not isinstance(confirmed, bool):
            raise _fail(path, text, table, key, "confirmed 应为 true 或 false（false 表示县里尚未按本地文件确认这个数值）")

        def fail(message, key=key):
            return _fail(path, text, table, key, message)

        value = convert(entry["value"], fail)
        entries.append(Entry(since, value, source.strip(), note, path, region, _line_of(text, table, key), confirmed))
    entries.sort(key=lambda e: e.since)
    return entries


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
        raise _fail(shown, text, name, None,
                    f"不认识的表 [{name}]；只能有 [region]、[parameters.…]、[income_items.…]、[documents]、[calendar]")
    region_table = data.get("region")
    if not isinstance(region_table, dict) or "code" not in region_table:
        raise PolicyInvalid(f"政策文件 {shown} 缺少 [region] 表和 code（地区代码，如 code = \"632521\"）。")
    extra = set(region_table) - schema.REGION_KEYS
    if extra:
        raise _fail(shown, text, "region", sorted(extra)[0], "不认识的键；[region] 只能有 code、name")
    code = str(region_table["code"])
    try:
        check_region(code)
    except PolicyInvalid as exc:
        raise _fail(shown, text, "region", "code", exc.message) from None
    result = PolicyFile(shown, code, str(region_table.get("name") or region_name(code)),
                        hashlib.sha256(data_bytes).hexdigest())
    documents = data.get("documents", {})
    if not isinstance(documents, dict):
        raise _fail(shown, text, "documents", None, "应为表")
    for key, value in documents.items():
        if key not in schema.DOCUMENT_KEYS:
            raise _fail(shown, text, "documents", key, f"不认识的键；[documents] 只能有 {'、'.join(schema.DOCUMENT_KEYS)}")
        if not isinstance(value, str):
            raise _fail(shown, text, "documents", key, "应为文字")
        if value.strip():
            result.documents[key] = value.strip()
    parameters = data.get("parameters", {})
    if not isinstance(parameters, dict):
        raise _fail(shown, text, "parameters", None, "应为表")
    for name, body in parameters.items():
        param = schema.BY_NAME.get(name)
        table = f"parameters.{name}"
        if param is None:
            raise _fail(shown, text, table, None, f"不认识的参数 {name}（可用参数见 dibao policy show）")
        if not isinstance(body, dict) or not body:
            raise _fail(shown, text, table, None, "至少要有一条带日期的值")
        result.parameters[name] = _entries(shown, text, table, body, code,
                                           lambda raw, fail, param=param: _convert(param, raw, fail))
    items = data.get("income_items", {})
    if not isinstance(items, dict):
        raise _fail(shown, text, "income_items", None, "应为表")
    for item, body in items.items():
        table = f'income_items."{item}"'
        if not isinstance(body, dict):
            raise _fail(shown, text, table, None, "应为表")
        category = body.get("category")
        if category is not None and category not in schema.INCOME_CATEGORIES:
            raise _fail(shown, text, table, "category", f"收入类别应为 {'、'.join(schema.INCOME_CATEGORIES)} 之一")

        def treatment(raw, fail):
            if raw not in schema.INCOME_TREATMENT:
                raise fail("应为“计入”或“不计入”")
            return schema.INCOME_TREATMENT[raw]

        entries = _entries(shown, text, table, body, code, treatment)
        if not entries:
            raise _fail(shown, text, table, None, "至少要有一条带日期的值")
        result.income_items[item] = (category, entries)
    result.calendar = _calendar_entries(shown, text, data.get("calendar", {}), code)
    return result


def _calendar_entries(shown: str, text: str, body, code: str) -> list[Entry]:
    """[calendar]: "2027-10-01" = { value = "休", source = "…" } (or "班" for a working weekend day)."""
    if not isinstance(body, dict):
        raise _fail(shown, text, "calendar", None, "应为表")

    def convert(raw, fail):
        if raw not in schema.CALENDAR_VALUES:
            raise fail("应为“休”（放假）或“班”（调休上班）")
        return schema.CALENDAR_VALUES[raw]

    return _entries(shown, text, "calendar", body, code, convert)


@dataclass
class Policy:
    """The chain of policy files that apply to one region (province first)."""

    region: str
    files: list[PolicyFile]
    notes: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return " + ".join(f.name for f in self.files)

    @property
    def digest(self) -> str:
        h = hashlib.sha256()
        for f in self.files:
            h.update(f.digest.encode())
        return h.hexdigest()

    def entry(self, name: str, day: _dt.date) -> Entry:
        """The entry in force for parameter `name` at `day`."""
        for policy_file in reversed(self.files):
            entries = policy_file.parameters.get(name)
            if not entries:
                continue
            in_force = [e for e in entries if e.since <= day]
            if in_force:
                return in_force[-1]
        label = schema.BY_NAME[name].label
        raise PolicyInvalid(
            f"政策中没有 {day.isoformat()} 适用的“{label}”（参数 {name}）。请在本县政策文件中补上起始日期不晚于 {day.isoformat()} 的值。"
        )

    def has(self, name: str, day: _dt.date) -> bool:
        """Whether parameter `name` has a value in force at `day` in any file of the chain."""
        return any(e.since <= day for f in self.files for e in f.parameters.get(name, ()))

    def income_item(self, item: str, day: _dt.date) -> tuple[str | None, Entry] | None:
        """(category, entry) for an income item at `day`, or None when the policy does not know the item."""
        category = None
        for policy_file in reversed(self.files):
            found = policy_file.income_items.get(item)
            if found is None:
                continue
            category = category or found[0]
            in_force = [e for e in found[1] if e.since <= day]
            if in_force:
                return category, in_force[-1]
        return None

    def document(self, key: str) -> str:
        """A [documents] value from the most specific file that sets it ("" when none does)."""
        for policy_file in reversed(self.files):
            if key in policy_file.documents:
                return policy_file.documents[key]
        return ""

    def local_document(self) -> str:
        """The printable name of the county's own policy document, cited for figures no provincial document fixes."""
        return self.document("policy_document") or f"{region_name(self.region)}最低生活保障政策参数（{region_name(self.region)}民政局确定）"

    def citation(self, entry: Entry) -> str:
        """What a printed document cites for an entry: its source, or the county's own document for a default
        the county has not confirmed."""
        return entry.source if entry.confirmed else self.local_document()

    def unconfirmed(self, day: _dt.date) -> list[tuple[str, Entry]]:
        """(label, entry) for each value in force at `day` that is a default the county has not confirmed."""
        out = []
        for param in schema.PARAMETERS:
            if not self.has(param.name, day):
                continue
            entry = self.entry(param.name, day)
            if not entry.confirmed:
                out.append((param.label, entry))
        for item in self.income_item_names():
            found = self.income_item(item, day)
            if found is not None and not found[1].confirmed:
                out.append((f"收入项目“{item}”", found[1]))
        return out

    def calendar_days(self) -> dict[_dt.date, Entry]:
        """Days the policy files add to or correct in the holiday calendar (the most specific file wins)."""
        days: dict[_dt.date, Entry] = {}
        for policy_file in self.files:
            for entry in policy_file.calendar:
                days[entry.since] = entry
        return days

    def income_item_names(self) -> list[str]:
        names: dict[str, None] = {}
        for policy_file in self.files:
            for item in policy_file.income_items:
                names.setdefault(item)
        return list(names)


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

        value = _convert(param, raw, fail)
        result.parameters[name] = [Entry(since, value, f"{source}（{shown}）", "", source, region, None)]
    return result
