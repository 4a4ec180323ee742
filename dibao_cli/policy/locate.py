"""Where a table or key stands in a policy file, for messages that name the file, the line and the key.

TOML parsers do not keep positions, so the lines are found by reading the text once."""

from __future__ import annotations

import functools
import re

from dibao_cli.errors import PolicyInvalid

def line_of(text: str, table: str, key: str | None) -> int | None:
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


def fail_at(path: str, text: str, table: str, key: str | None, message: str) -> PolicyInvalid:
    line = line_of(text, table, key)
    where = f"{path}" + (f" 第 {line} 行" if line else "") + f"（[{table}]" + (f" {key}" if key else "") + "）"
    return PolicyInvalid(f"政策文件 {where}：{message}")
