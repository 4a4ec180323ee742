"""Pieces every command shares: the group class that maps failures to exit codes, shared options."""

from __future__ import annotations

import datetime as _dt
import sys
from pathlib import Path

import click

from dibao_cli.exitcodes import ExitStatus

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class ChineseHelp:
    """Help pages in Chinese: headings, the help option, commands in the order they were added."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        if isinstance(self, click.Group):
            kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "显示本帮助并退出。"
        return option

    def format_usage(self, ctx, formatter):
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), "用法：")

    def format_options(self, ctx, formatter):
        records = [r for p in self.get_params(ctx) if isinstance(p, click.Option) and (r := p.get_help_record(ctx))]
        if records:
            with formatter.section("选项"):
                formatter.write_dl(records)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)

    def list_commands(self, ctx):
        return list(getattr(self, "commands", {}))

    def format_commands(self, ctx, formatter):
        found = [(name, self.get_command(ctx, name)) for name in self.list_commands(ctx)]
        found = [(name, cmd) for name, cmd in found if cmd is not None and not cmd.hidden]
        if found:
            limit = formatter.width - 6 - max(len(name) for name, _ in found)
            with formatter.section("命令"):
                formatter.write_dl([(name, cmd.get_short_help_str(limit)) for name, cmd in found])


class DibaoCommand(ChineseHelp, click.Command):
    pass


class DibaoSubGroup(ChineseHelp, click.Group):
    command_class = DibaoCommand


class DibaoGroup(ChineseHelp, click.Group):
    """Maps every failure to one exit status and one Chinese sentence (tracebacks only with --debug)."""

    command_class = DibaoCommand
    group_class = DibaoSubGroup

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        argv = list(sys.argv[1:] if args is None else args)
        debug = "--debug" in argv
        try:
            return super().main(args=argv, prog_name=prog_name or "dibao", complete_var=complete_var,
                                standalone_mode=False, **extra)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("已中止。", err=True)
            sys.exit(130)
        except click.UsageError as exc:
            if debug:
                raise
            hint = f"运行 {exc.ctx.command_path if exc.ctx else 'dibao'} --help 查看用法。"
            click.echo(f"用法错误：{_usage_zh(exc.format_message())}\n{hint}", err=True)
            sys.exit(ExitStatus.USAGE)
        except click.ClickException as exc:
            if debug:
                raise
            click.echo(f"错误：{exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except Exception as exc:  # noqa: BLE001 - the one place that turns exceptions into exit codes
            from dibao_cli.errors import DibaoError

            if debug:
                raise
            if isinstance(exc, DibaoError):
                click.echo(f"错误：{exc.message}", err=True)
                sys.exit(int(exc.status))
            if isinstance(exc, KeyboardInterrupt):
                sys.exit(130)
            click.echo(
                f"内部错误（{type(exc).__name__}）：dibao 遇到了意外情况，输入文件未被修改。"
                "请加 --debug 重新运行，并把输出发给维护人员。",
                err=True,
            )
            sys.exit(ExitStatus.INTERNAL)


_USAGE_ZH = (
    ("No such option", "没有这个选项"),
    ("No such command", "没有这个命令"),
    ("Missing argument", "缺少参数"),
    ("Missing option", "缺少选项"),
    ("Invalid value for", "取值无效："),
    ("requires an argument", "需要一个值"),
    ("does not exist", "不存在"),
    ("is not one of", "不是以下之一"),
    ("Got unexpected extra argument", "多余的参数"),
    ("Got unexpected extra arguments", "多余的参数"),
)


def _usage_zh(message: str) -> str:
    for english, chinese in _USAGE_ZH:
        message = message.replace(english, chinese)
    return message


def parse_date(ctx, param, value):
    if value is None:
        return None
    from dibao_cli import cells

    try:
        day = cells.date(value)
    except cells.CellError:
        day = None
    if day is None:
        raise click.BadParameter(f"“{value}”不是日期，请写成 2026-11-30", ctx=ctx, param=param)
    return day


def input_options(func):
    """Options shared by every command that reads rosters."""
    func = click.option("--encoding", metavar="编码", help="CSV/TXT 的编码（默认自动识别 UTF-8 或 GB18030）。")(func)
    func = click.option("--all-sheets", is_flag=True, help="读取工作簿中所有名册工作表（每村一个工作表时用）。")(func)
    func = click.option("--sheet", metavar="工作表", help="只读取这个工作表（默认读取第一个有名册表头的工作表）。")(func)
    return func


def output_options(formats: tuple[str, ...]):
    def decorate(func):
        func = click.option("--force", is_flag=True, help="输出文件已存在时覆盖它。")(func)
        func = click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), metavar="文件",
                            help="写入这个文件（默认输出到屏幕）。")(func)
        func = click.option("--format", "fmt", type=click.Choice(formats), default=None,
                            help="输出格式：" + "、".join(formats) + "（默认 table；-o 时按扩展名）。")(func)
        return func

    return decorate


def resolve_format(fmt: str | None, output: Path | None, allowed: tuple[str, ...]) -> str:
    """The output format (from --format, else the -o file's extension, else table), checked against the target
    before any work is done: a table goes to the screen, a workbook to a file."""
    if not fmt:
        if output is None:
            fmt = "table"
        else:
            fmt = output.suffix.lower().lstrip(".")
            if fmt not in allowed:
                raise click.UsageError(f"无法从文件名 {output.name} 判断输出格式，请用 --format 指定（{'、'.join(allowed)}）。")
    if fmt == "table" and output is not None:
        raise click.UsageError("表格只能显示在屏幕上；写文件请用 --format xlsx、csv 或 json。")
    if fmt == "xlsx" and output is None:
        raise click.UsageError("xlsx 格式需要用 -o 指定输出文件。")
    return fmt


def emit(fmt: str, output: Path | None, force: bool, *, table, sheets, json, csv) -> None:
    """Write one result in the chosen format; each argument is a function that builds that format
    (`json` may return bytes or an iterator of byte chunks, which is streamed)."""
    from dibao_cli.outputs import write_chunks, write_output, write_xlsx

    if fmt == "table":
        table()
    elif fmt == "xlsx":
        write_xlsx(output, sheets(), force)
    elif fmt == "json":
        data = json()
        if isinstance(data, bytes):
            write_output(output, data, force)
        else:
            write_chunks(output, data, force)
    else:
        write_output(output, csv(), force)


