"""Write docs/cli-reference.md from the --help of every dibao command (the reference is never edited by hand).

    python docs/cli_reference.py           rewrite docs/cli-reference.md
    python docs/cli_reference.py --check   exit 1 if it is stale
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import click

REFERENCE = Path(__file__).resolve().parent / "cli-reference.md"
WIDTH = 98  # as `--help` shows it in any terminal 100 columns wide or wider (click keeps two columns free)

HEAD = """# dibao 命令参考

本文列出每个命令 `--help` 的全文（随程序更新，与 `dibao 命令 --help` 显示的相同）。
命令的用途和例子见 [README.md](../README.md) 的“命令”一节。
"""


def commands(command: click.Command, ctx: click.Context):
    """(path, help) of a command and of every command under it, in the order `--help` lists them."""
    yield ctx.command_path, command.get_help(ctx)
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is None or sub.hidden:
                continue
            sub_ctx = sub.make_context(name, [], parent=ctx, resilient_parsing=True, terminal_width=WIDTH)
            yield from commands(sub, sub_ctx)


def reference() -> str:
    from dibao_cli.cli import main

    ctx = main.make_context("dibao", [], resilient_parsing=True, terminal_width=WIDTH)
    parts = [HEAD]
    for path, text in commands(main, ctx):
        parts.append(f"\n## {path}\n\n```text\n{text.rstrip()}\n```\n")
    return "".join(parts)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python docs/cli_reference.py",
                                     description=f"由每个 dibao 命令的 --help 生成 {REFERENCE.name}。")
    parser.add_argument("--check", action="store_true", help=f"只检查 {REFERENCE.name} 是否过时（过时则退出码 1），不写文件")
    args = parser.parse_args(argv)  # --help and unknown arguments exit here, before anything is written
    text = reference()
    if args.check:
        if not REFERENCE.exists() or REFERENCE.read_text(encoding="utf-8") != text:
            print(f"{REFERENCE.name} 已过时：请运行 python docs/cli_reference.py 重新生成。", file=sys.stderr)
            return 1
        return 0
    REFERENCE.write_text(text, encoding="utf-8")
    print(f"已写入 {REFERENCE}")
    return 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
