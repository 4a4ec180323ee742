"""The layering rule written in README.md (开发): a module imports only from its own package and from the layers
below it. Every import is read with ast, module-level and inside functions alike."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "dibao_cli"

# bottom to top; a unit is a top-level module (model) or package (rules) of dibao_cli
LAYERS = [
    ("foundation", {"dibao_cli", "errors", "problems", "money", "status", "cells", "idcard", "model", "forked"}),
    ("reading and policy", {"reading", "policy"}),
    ("registers", {"registers"}),  # the townships' paper registers, read with the roster reader's pieces
    ("rules", {"rules"}),
    ("assessment", {"assess"}),
    ("checks", {"checks"}),
    ("ledger", {"ledger"}),
    ("reports", {"reports"}),
    ("documents", {"documents"}),
    ("programmes", {"assistance", "casework"}),
    ("workflows", {"monthly_import", "monthly_report"}),
    ("command line", {"cli"}),
    ("entry point", {"__main__"}),
]
SAME_LAYER = {"foundation"}  # the foundation's modules may use one another; elsewhere a layer's units are independent
NEVER = {  # lower, and still not to be imported: the rules read the data model, never the file reader
    ("rules", "reading"): "规则只读数据模型（model），不读文件",
    ("assess", "reading"): "核算只读数据模型（model），不读文件",
}

# Imports against the layering that the tree still has, each with the reason and where it should go. An entry
# that is no longer needed fails (remove it), and so does a new violation.
EXCEPTIONS: dict[tuple[str, str], str] = {}


def _layer_of() -> dict[str, int]:
    return {unit: index for index, (_, units) in enumerate(LAYERS) for unit in units}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def unit_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def imports(path: Path, text: str | None = None) -> list[tuple[int, str]]:
    """(line, module) of every dibao_cli import in a file (or in `text` as if it were that file), at any depth;
    relative imports resolved."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    text = path.read_text(encoding="utf-8") if text is None else text
    found = []
    for node in ast.walk(ast.parse(text, str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            # `from dibao_cli import model` imports the module dibao_cli.model
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names
                      if (PACKAGE.parent / module.replace(".", "/") / f"{alias.name}.py").exists()
                      or (PACKAGE.parent / module.replace(".", "/") / alias.name / "__init__.py").exists()]
    return [(line, m) for line, m in found if m == "dibao_cli" or m.startswith("dibao_cli.")]


def violations(files: dict[Path, str | None] | None = None) -> list[str]:
    """Every import against the layering in the package (or in `files`: path -> text, None to read the file)."""
    layer = _layer_of()
    out = []
    if files is None:
        files = {path: None for path in sorted(PACKAGE.rglob("*.py"))}
    for path, text in files.items():
        importer = module_name(path)
        source = unit_of(importer)
        assert source in layer, f"{importer}: the package {source} has no layer in LAYERS (add it, and to README)"
        for line, imported in imports(path, text):
            target = unit_of(imported)
            assert target in layer, f"{importer}:{line} imports {imported}, whose package has no layer"
            if target == source or target == "dibao_cli" and imported == "dibao_cli":
                continue
            allowed = layer[target] < layer[source] or (
                layer[target] == layer[source] and LAYERS[layer[source]][0] in SAME_LAYER)
            if (source, target) in NEVER:
                allowed = False
            if allowed or (importer, _module_of(imported)) in EXCEPTIONS:
                continue
            out.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {importer} ({LAYERS[layer[source]][0]}) imports "
                       f"{imported} ({LAYERS[layer[target]][0]})")
    return out


def _module_of(imported: str) -> str:
    """The module an import names (a name imported from a module is the module)."""
    path = PACKAGE.parent / imported.replace(".", "/")
    while not (path.with_suffix(".py").exists() or (path / "__init__.py").exists()) and "." in imported:
        imported = imported.rpartition(".")[0]
        path = PACKAGE.parent / imported.replace(".", "/")
    return imported


def test_every_import_follows_the_layering():
    found = violations()
    assert not found, "imports against the layering (README.md, 开发):\n" + "\n".join(found)


def test_nothing_but_the_entry_point_imports_the_command_line():
    importers = sorted({module_name(p) for p in PACKAGE.rglob("*.py") if unit_of(module_name(p)) not in ("cli", "__main__")
                        for _, m in imports(p) if unit_of(m) == "cli"})
    assert importers == []


def test_the_check_sees_function_level_and_relative_imports():
    """Violations hidden inside a function, or written as relative imports, are found."""
    probe = PACKAGE / "rules" / "_probe.py"
    text = ("from . import income\n"
            "from ..model import Household\n"
            "def f():\n    from dibao_cli.reading.roster import read_rosters\n    return read_rosters\n"
            "def g():\n    from ..cli import main\n    return main\n")
    found = violations({probe: text})
    assert found == ["dibao_cli/rules/_probe.py:4: dibao_cli.rules._probe (rules) imports "
                     "dibao_cli.reading.roster (reading and policy)",
                     "dibao_cli/rules/_probe.py:7: dibao_cli.rules._probe (rules) imports dibao_cli.cli (command line)"]


def test_every_exception_names_an_import_that_crosses_the_layering():
    layer = _layer_of()
    for importer, imported in EXCEPTIONS:
        assert layer[unit_of(imported)] >= layer[unit_of(importer)], (importer, imported)


def test_every_exception_is_still_needed():
    """An exception whose import has gone is removed from EXCEPTIONS, so the list says what the tree still has."""
    used = {(module_name(p), _module_of(m)) for p in PACKAGE.rglob("*.py") for _, m in imports(p)}
    stale = sorted(set(EXCEPTIONS) - used)
    assert stale == [], f"no longer imported, remove from EXCEPTIONS: {stale}"
