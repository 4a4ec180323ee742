"""Every command has Chinese help and appears in README.md (the reference cannot drift)."""

import re
import subprocess
import sys

import click
import pytest

from conftest import ROOT
from dibao_cli.cli import main

README = (ROOT / "README.md").read_text(encoding="utf-8")
CJK = re.compile(r"[\u4e00-\u9fff]")


def commands(group, prefix="dibao"):
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        yield path, command
        if isinstance(command, click.Group):
            yield from commands(command, path)


@pytest.mark.parametrize("path,command", list(commands(main)))
def test_command_has_chinese_help_and_is_in_readme(path, command):
    assert command.help and CJK.search(command.help), path
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert param.help and CJK.search(param.help), f"{path} {param.opts}"
    assert f"`{path}" in README or f"{path} " in README, path


def test_readme_documents_every_exit_status():
    from dibao_cli.errors import ExitStatus

    for status in ExitStatus:
        assert f"| {int(status)} |" in README, status


def test_installed_command_runs_and_debug_shows_traceback(tmp_path):
    exe = [sys.executable, "-m", "dibao_cli"]
    plain = subprocess.run(exe + ["check", str(tmp_path / "missing.xlsx")], capture_output=True, text=True)
    assert plain.returncode == 3 and "Traceback" not in plain.stderr and "找不到文件" in plain.stderr
    debug = subprocess.run(exe + ["--debug", "check", str(tmp_path / "missing.xlsx")], capture_output=True, text=True)
    assert "Traceback" in debug.stderr and "InputUnreadable" in debug.stderr


def test_progress_never_pollutes_piped_json(tmp_path):
    from conftest import EXAMPLES

    out = subprocess.run([sys.executable, "-m", "dibao_cli", "assess", str(EXAMPLES / "roster.xlsx"), "--format", "json",
                          "--date", "2026-11-30"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("{") and out.stderr == ""
