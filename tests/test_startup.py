"""`dibao --version` and `dibao --help` start without importing the commands' modules or any heavy library; the
top-level help lists every command from its summary exactly as the command itself would; a plain line printed
without rich is the line rich prints."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import click
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pathlib import Path

from dibao_cli.cli import COMMANDS, main

# libraries a start must not load: the readers, the writers, the templating, rich's console and tables
HEAVY = ("pyarrow", "fastexcel", "polars", "python_calamine", "openpyxl", "xlsxwriter", "jinja2", "docxtpl", "opencc",
         "rich.console", "rich.text", "rich.table", "rich.progress", "rich.style", "rich.segment", "sqlite3")
# what `dibao --version` and `dibao --help` may import of dibao itself
START = {"dibao_cli", "dibao_cli.cli", "dibao_cli.cli.messages", "dibao_cli.cli.helpformat", "dibao_cli.cli.base",
         "dibao_cli.cli.lazy", "dibao_cli.errors"}


def loaded_after(*runs: list[str]) -> tuple[list[str], list[str]]:
    """(dibao modules, heavy modules) a fresh interpreter holds after running `dibao` with each argument list."""
    code = ("import json, sys\nfrom dibao_cli.cli import main\n"
            f"for args in {list(runs)!r}:\n"
            "    try:\n        main(args)\n    except SystemExit:\n        pass\n"
            f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
            "print(json.dumps([sorted(m for m in sys.modules if m.startswith('dibao_cli')), heavy]))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    mine, heavy = json.loads(result.stdout.strip().splitlines()[-1])
    return mine, heavy


@pytest.mark.parametrize("args", [["--version"], ["--help"], []], ids=["--version", "--help", "no arguments"])
def test_start_imports_no_command_and_no_heavy_library(args):
    mine, heavy = loaded_after(args)
    assert heavy == []
    assert sorted(set(mine) - START) == []


def test_version_loads_nothing_of_rich():
    code = ("import sys\nfrom dibao_cli.cli import main\n"
            "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
            "print([m for m in sys.modules if m == 'rich' or m.startswith('rich.')])")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines() == ["dibao 0.1.0", "[]"]


def command_paths(group=main, prefix=()):
    for name in group.list_commands(None):
        command = group.get_command(None, name)
        yield [*prefix, name]
        if isinstance(command, click.Group):
            yield from command_paths(command, (*prefix, name))


def test_every_commands_help_loads_no_heavy_library():
    """All of them in one interpreter: none of the help pages needs a reader, a writer, templates or a ledger."""
    _, heavy = loaded_after(*[[*path, "--help"] for path in command_paths()])
    assert heavy == []


def test_a_commands_help_imports_its_own_module_only():
    mine, heavy = loaded_after(["assess", "--help"])
    assert heavy == []
    commands = {m for m in mine if m.startswith("dibao_cli.cli.")} - START
    assert sorted(commands) == ["dibao_cli.cli.assess", "dibao_cli.cli.check", "dibao_cli.cli.common",
                                "dibao_cli.cli.console", "dibao_cli.cli.params"]
    assert [m for m in mine if m.startswith(("dibao_cli.reading", "dibao_cli.assess", "dibao_cli.ledger",
                                             "dibao_cli.reports", "dibao_cli.documents"))] == []


@pytest.mark.parametrize("name", list(COMMANDS))
def test_summary_is_what_the_command_itself_lists(name):
    """The table's summary gives the short help the command gives, at every width, and the name is the command's."""
    command = main.commands[name]
    assert isinstance(command, click.Command)
    assert command.name == name
    assert not command.hidden and not command.deprecated and command.short_help is None
    stand_in = click.Command(name, help=COMMANDS[name][1])
    for limit in range(1, 200):
        assert stand_in.get_short_help_str(limit) == command.get_short_help_str(limit), (name, limit)


def test_every_command_is_in_the_table_in_order():
    assert list(main.commands) == list(COMMANDS)
    assert len(set(COMMANDS.values())) == len(COMMANDS)


def test_top_level_help_is_the_same_before_and_after_the_commands_are_imported():
    code = ("import os\nfrom dibao_cli.cli import main\n"
            "ctx = main.make_context('dibao', [], resilient_parsing=True, terminal_width={w})\n"
            "before = main.get_help(ctx)\n"
            "for name in main.commands:\n    main.commands[name]\n"
            "after = main.get_help(ctx)\n"
            "assert before == after, (before, after)\nprint(before.count(chr(10)))")
    for width in (60, 80, 120):
        result = subprocess.run([sys.executable, "-c", code.format(w=width)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr


def test_unknown_command_is_a_usage_error_with_a_suggestion(run):
    result = run("asess")
    assert result.code == 2
    assert "asess" in result.err and "assess" in result.err


PIECES = [*"ab Z09._-/\\，。：已写入户（）😀é", "[", "]", ":", "\t", "\u3000", "\x1b", "\u200b", "\n", "[bold]", ":smile:",
          "\\[", "  ", "C:\\名册", "/tmp/结果.json"]
PLAIN = st.lists(st.sampled_from(PIECES), max_size=20).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=PLAIN)
def test_a_line_printed_without_rich_is_the_line_rich_prints(text):
    import io

    from dibao_cli.cli.console import console, say

    out = io.StringIO()
    saved, environ = sys.stdout, dict(os.environ)
    sys.stdout = out
    for variable in ("FORCE_COLOR", "TTY_COMPATIBLE"):  # as on a clerk's computer: nothing forces colour
        os.environ.pop(variable, None)
    try:
        say(text)
        fast = out.getvalue()
        out.seek(0)
        out.truncate()
        console().print(text, markup=False, emoji=False)
        slow = out.getvalue()
    finally:
        sys.stdout = saved
        os.environ.update(environ)
    assert fast == slow


def test_a_plain_line_to_a_file_or_pipe_is_printed_without_rich():
    code = ("import sys\nfrom dibao_cli.cli.console import say\n"
            "say('已写入 /tmp/结果.json：核算 3326 户，未核算 0 户。')\n"
            "print('rich.console' in sys.modules)")
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert result.stdout == "已写入 /tmp/结果.json：核算 3326 户，未核算 0 户。\nFalse\n"


def wrap_by_measuring_each_prefix(text: str, width: int) -> list[str]:
    """The help's line breaking as first written: the whole line measured again for every character."""
    from rich.cells import cell_len

    from dibao_cli.cli.helpformat import NO_LINE_START

    lines, line = [], ""
    for char in text:
        if cell_len(line + char) > width:
            cut = line.rfind(" ")
            if cut > 0 and line[cut + 1:].isascii() and char != " ":
                lines.append(line[:cut])
                line = line[cut + 1:]
            elif char in NO_LINE_START and len(line) > 1:
                keep = len(line) - 1
                while keep > 1 and line[keep] in NO_LINE_START:
                    keep -= 1
                lines.append(line[:keep])
                line = line[keep:]
            else:
                lines.append(line.rstrip())
                line = ""
            if char == " " and not line:
                continue
        line += char
    return [*lines, line] if line or not lines else lines


HELP_PIECES = [*"ab Z09.-/，。、；：）》…（名册核算户", "  ", "dibao", "--format", "😀", "👨\u200d👩", "❤\ufe0f", "\u200b", "\x01"]


@settings(max_examples=500, deadline=None)
@given(text=st.lists(st.sampled_from(HELP_PIECES), max_size=60).map("".join), width=st.integers(1, 40))
def test_help_lines_break_where_measuring_every_prefix_breaks_them(text, width):
    from dibao_cli.cli.helpformat import _wrap

    assert _wrap(text, width) == wrap_by_measuring_each_prefix(text, width)


def test_help_lines_of_every_command_break_as_before():
    from dibao_cli.cli.helpformat import _wrap

    for path in command_paths():
        command = main
        for name in path:
            command = command.get_command(None, name)
        texts = [command.help or ""] + [p.help for p in command.params if getattr(p, "help", None)]
        for text in texts:
            for line in text.splitlines():
                for width in (20, 37, 60, 94):
                    assert _wrap(line, width) == wrap_by_measuring_each_prefix(line, width), (path, line, width)


def test_the_written_line_shows_a_file_name_with_brackets_and_colons_as_it_is(tmp_path):
    """A file name is no rich markup or emoji code: "[/x]" and ":smile:" are printed, not interpreted (or refused)."""
    root = Path(__file__).resolve().parent.parent
    (tmp_path / "[").mkdir()
    out = tmp_path / "[" / "x][bold]:smile:结果.json"  # the line holds "[/x]", a closing tag to rich
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    result = subprocess.run([sys.executable, "-m", "dibao_cli", "assess", str(root / "examples" / "roster.xlsx"),
                             "--date", "2026-11-30", "--format", "json", "-o", str(out)],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0
    assert result.stdout == f"已写入 {out}：核算 32 户，未核算 0 户。\n"
    assert out.exists()
