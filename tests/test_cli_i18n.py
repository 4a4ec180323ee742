"""The terminal: help and click's own messages in Chinese (from the shipped gettext catalogue), no control
characters in help, and on a terminal one progress display that names each stage of the run."""

from __future__ import annotations

import gettext
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

from conftest import DAY, EXAMPLES
from dibao_cli.cli import main
from dibao_cli.cli.messages import DOMAIN, LOCALE

ROSTER = EXAMPLES / "roster.xlsx"
PO = Path(LOCALE) / "zh_CN" / "LC_MESSAGES" / f"{DOMAIN}.po"
MO = Path(LOCALE) / "zh_CN" / "LC_MESSAGES" / f"{DOMAIN}.mo"


def all_commands(group=main, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from all_commands(command, (*prefix, name))


@pytest.mark.parametrize("path", [(), *all_commands()], ids=lambda p: " ".join(p) or "dibao")
def test_help_is_chinese_and_has_no_control_characters(run, path):
    result = run(*path, "--help")
    assert result.code == 0
    text = result.out
    assert not [c for c in text if ord(c) < 32 and c != "\n"], repr(text)
    for english in ("Usage:", "Options:", "Commands:", "Show this message", "[required]", "default:", "INTEGER",
                    "TEXT", "PATH"):
        assert english not in text, (path, english)
    assert text.startswith("用法：dibao")


def test_required_options_are_marked_in_chinese(run):
    assert "[必填]" in run("import", "--help").out


@pytest.mark.parametrize("args,err", [
    (("import", ROSTER), "用法错误：缺少选项 --month。\n运行 dibao import --help 查看用法。\n"),
    (("assess",), "用法错误：缺少参数 名册文件...。\n运行 dibao assess --help 查看用法。\n"),
    (("explian",), "用法错误：没有命令 explian。 是不是要写：explain？\n运行 dibao --help 查看用法。\n"),
    (("assess", ROSTER, "--fromat", "json"), "用法错误：没有选项 --fromat。 是不是要写：--format？\n运行 dibao assess --help 查看用法。\n"),
    (("report", "year", "--year", "abc", "-o", "y.xlsx"),
     "用法错误：--year 的取值无效：“abc”不是有效的数字。\n运行 dibao report year --help 查看用法。\n"),
    (("assess", ROSTER, "--format", "pdf"),
     "用法错误：--format 的取值无效：“pdf”不是可选的值；可选：table, json, csv, xlsx。\n运行 dibao assess --help 查看用法。\n"),
    (("assess", ROSTER, "-o", "."), "用法错误：-o / --output 的取值无效：文件“.”是文件夹，这里需要文件。\n运行 dibao assess --help 查看用法。\n"),
    (("assess", ROSTER, "--date"), "用法错误：选项 --date 后面要写一个值。\n运行 dibao assess --help 查看用法。\n"),
    (("log", "extra"), "用法错误：多余的参数：extra\n运行 dibao log --help 查看用法。\n"),
])
def test_clicks_own_messages_are_chinese(run, args, err):
    result = run(*args)
    assert result.code == 2 and result.err == err


def _po_entries() -> dict[str, str]:
    from babel.messages.pofile import read_po

    with open(PO, "rb") as fh:
        catalog = read_po(fh, locale="zh_CN")
    out = {}
    for message in catalog:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        value = message.string[0] if isinstance(message.string, tuple) else message.string
        out[key] = value
    return out


def test_catalogue_translates_every_message_click_has():
    """Fails when a click upgrade brings a message the catalogue does not translate."""
    from babel.messages.extract import extract_from_dir

    keywords = {"_": None, "ngettext": (1, 2)}
    found = {m[2][0] if isinstance(m[2], tuple) else m[2]
             for m in extract_from_dir(os.path.dirname(click.__file__), keywords=keywords)}
    entries = _po_entries()
    assert sorted(found - set(entries)) == []
    assert [k for k, v in entries.items() if not v] == []


def test_committed_mo_is_the_compiled_po():
    """Edit click.po, then run `python -m dibao_cli.cli.messages` to rebuild click.mo."""
    with open(MO, "rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    for msgid, msgstr in _po_entries().items():
        assert compiled.gettext(msgid) == msgstr, msgid


def test_catalogue_keeps_every_placeholder_click_fills_in():
    """A translation may drop a placeholder but never invent one (str.format would fail at run time); click
    fills in the placeholders of both the singular and the plural text."""
    from babel.messages.pofile import read_po

    with open(PO, "rb") as fh:
        catalog = read_po(fh, locale="zh_CN")
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        given = {name for text in ids for name in re.findall(r"\{(\w+)", text)}
        used = {name for text in strings for name in re.findall(r"\{(\w+)", text)}
        assert used <= given, ids


def _run_on_terminal(*args) -> tuple[int, str, str]:
    """Run dibao with stderr on a pseudo-terminal; (exit status, stdout, what the terminal showed)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "dibao_cli", *map(str, args)], stdout=subprocess.PIPE,
                            stderr=slave, env={**os.environ, "COLUMNS": "120"})
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    out = proc.stdout.read().decode()
    proc.wait()
    return proc.returncode, out, re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown.decode(errors="replace"))


def test_progress_names_each_stage_of_the_run_on_a_terminal(tmp_path):
    target = tmp_path / "结果.xlsx"
    code, out, shown = _run_on_terminal("assess", ROSTER, "--date", DAY, "-o", target)
    assert code == 0 and out == f"已写入 {target}：核算 32 户，未核算 0 户。\n"
    stages = [s for s in ("读取名册", "核算", "写入 结果.xlsx") if s in shown]
    assert stages == ["读取名册", "核算", "写入 结果.xlsx"]
    assert shown.index("读取名册") < shown.index("核算") < shown.index("写入 结果.xlsx")
    assert "32/32 户" in shown


def test_no_progress_when_stderr_is_not_a_terminal(tmp_path):
    target = tmp_path / "结果.xlsx"
    done = subprocess.run([sys.executable, "-m", "dibao_cli", "assess", str(ROSTER), "--date", DAY, "-o", str(target)],
                          capture_output=True, text=True)
    assert done.returncode == 0 and done.stderr == ""


@pytest.mark.parametrize("path", [("import",), ("notice",), ("crosscheck",), ("report", "monthly")], ids=" ".join)
def test_help_fits_a_narrow_terminal_and_no_line_opens_with_closing_punctuation(path):
    from rich.cells import cell_len

    from dibao_cli.cli.common import DibaoContext

    command = main
    for name in path:
        command = command.commands[name]
    ctx = DibaoContext(command, info_name=" ".join(path), terminal_width=60)
    lines = command.get_help(ctx).splitlines()
    # examples, the usage line and an option's own spelling are never broken; everything written in Chinese is
    prose = [line for line in lines if not line.strip().startswith(("dibao ", "例：", "用法："))
             and re.search(r"[\u4e00-\u9fff]", line)]
    assert max(cell_len(line) for line in prose) <= 60
    assert [line for line in lines if line.strip()[:1] in tuple("。，、；：）")] == []


def test_a_group_without_its_command_shows_its_help(run):
    result = run("policy")
    assert result.code == 2 and result.err.startswith("用法：dibao policy [选项] 命令 [参数]...\n") and "用法错误" not in result.err


def test_progress_never_mixes_with_the_table_on_the_same_terminal():
    """Stages are shown only while they run: the table (stdout on the same terminal) is printed between them."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "dibao_cli", "assess", str(ROSTER), "--date", DAY],
                            stdout=slave, stderr=slave, env={**os.environ, "COLUMNS": "150"})
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    assert proc.wait() == 0
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown.decode(errors="replace"))
    assert "读取名册" in text and "核算" in text and "逐户结果" in text
    for heading in ("核算日期 2026-11-30", "逐户结果", "汇总"):
        start = text.index(heading)
        assert text[start - 1] in "\r\n", (heading, text[max(0, start - 40):start + 10])
