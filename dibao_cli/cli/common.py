"""Pieces every command shares: the group class that maps failures to exit codes, shared options."""

from __future__ import annotations

import datetime as _dt
import inspect
import re
import sys
from pathlib import Path

import click

from dibao_cli.errors import DibaoError, ExitStatus, UsageInvalid

INTERRUPTED_MESSAGE = "已中止（Ctrl-C）：没有写完的文件不会留下，台账保持本次操作之前的样子。"
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _width(text: str) -> int:
    """Columns a text takes in a terminal (Chinese characters take two)."""
    from rich.cells import cell_len

    return cell_len(text)


class ChineseFormatter(click.HelpFormatter):
    """click's help layout with Chinese headings (full-width colon) and columns aligned by display width."""

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        if not rows:
            return
        first = min(max(_width(term) for term, _ in rows), col_max)
        for term, definition in rows:
            self.write(f"{'':>{self.current_indent}}{term}")
            if not definition:
                self.write("\n")
                continue
            if _width(term) <= first:
                self.write(" " * (first - _width(term) + col_spacing))
            else:
                self.write("\n" + " " * (first + col_spacing + self.current_indent))
            room = max(self.width - first - col_spacing - self.current_indent, 20)
            lines = _wrap(definition, room)
            pad = " " * (first + col_spacing + self.current_indent)
            self.write(lines[0] + "\n" + "".join(f"{pad}{line}\n" for line in lines[1:]))


NO_LINE_START = "。，、；：？！）》」』”’…"


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` terminal columns; Chinese breaks between any two characters, other text at spaces
    where it can."""
    lines, line = [], ""
    for char in text:
        if _width(line + char) > width:
            cut = line.rfind(" ")
            if cut > 0 and line[cut + 1:].isascii() and char != " ":
                lines.append(line[:cut])
                line = line[cut + 1:]
            elif char in NO_LINE_START and len(line) > 1:  # 。，）… never open a line: take a character along
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


class DibaoContext(click.Context):
    formatter_class = ChineseFormatter


class ChineseHelp:
    """Help pages in Chinese: headings, the help option, commands in the order they were added."""

    context_class = DibaoContext

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

    def format_help_text(self, ctx, formatter):
        """The docstring line by line as written (no need for click's backspace marker): a prose line longer than
        the terminal is wrapped by display width (Chinese breaks anywhere); examples and indented lines never are."""
        text = inspect.cleandoc(self.help or "").partition("\f")[0]
        if text:
            formatter.write_paragraph()
            with formatter.indentation():
                indent = " " * formatter.current_indent
                room = max(formatter.width - formatter.current_indent, 20)
                for line in text.splitlines():
                    if not line.strip():
                        formatter.write("\n")
                    elif line.startswith((" ", "例：", "dibao ")):
                        formatter.write(f"{indent}{line}\n")
                    else:
                        formatter.write("".join(f"{indent}{part}\n" for part in _wrap(line, room)))

    def parse_args(self, ctx, args):
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            if exc.ctx is None:  # click's parser leaves some errors without their command (for the help hint)
                exc.ctx = ctx
            raise

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
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except UsageInvalid as exc:  # found by the library (no --bureau...): said like click's own usage errors
            raise click.UsageError(exc.message, ctx=ctx) from exc


class DibaoSubGroup(ChineseHelp, click.Group):
    command_class = DibaoCommand


class DibaoGroup(ChineseHelp, click.Group):
    """Maps every failure to one exit status and one Chinese sentence (tracebacks only with --debug)."""

    command_class = DibaoCommand
    group_class = DibaoSubGroup

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        from dibao_cli.cli.messages import install

        install()
        argv = list(sys.argv[1:] if args is None else args)
        debug = "--debug" in argv
        try:
            return super().main(args=argv, prog_name=prog_name or "dibao", complete_var=complete_var,
                                standalone_mode=False, **extra)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except (click.Abort, KeyboardInterrupt):
            click.echo(INTERRUPTED_MESSAGE, err=True)
            sys.exit(ExitStatus.INTERRUPTED)
        except click.UsageError as exc:
            if debug:
                raise
            if type(exc).__name__ == "NoArgsIsHelpError":  # a command group given without its command: its help
                click.echo(exc.format_message(), err=True)
                sys.exit(ExitStatus.USAGE)
            hint = f"运行 {exc.ctx.command_path if exc.ctx else 'dibao'} --help 查看用法。"
            click.echo(f"用法错误：{_usage_message(exc)}\n{hint}", err=True)
            sys.exit(ExitStatus.USAGE)
        except click.ClickException as exc:
            if debug:
                raise
            click.echo(f"错误：{exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except Exception as exc:  # noqa: BLE001 - the one place that turns exceptions into exit codes
            if debug:
                raise
            if isinstance(exc, DibaoError):
                click.echo(f"错误：{exc.message}", err=True)
                sys.exit(int(exc.status))
            if _corrupt_ledger(exc):  # SQLite itself found a damaged page: here a backup is the right advice
                click.echo("错误：台账文件已损坏（数据库中有损坏的页面），操作已中止，本次的改动没有写入。"
                           "请用之前 dibao db backup 做的备份恢复台账，或把台账文件交给维护人员检查。", err=True)
                sys.exit(ExitStatus.LEDGER)
            click.echo(
                f"内部错误（{type(exc).__name__}）：dibao 遇到了意外情况，输入文件未被修改。"
                "请加 --debug 重新运行，并把输出发给维护人员。",
                err=True,
            )
            sys.exit(ExitStatus.INTERNAL)


def _corrupt_ledger(exc: BaseException) -> bool:
    """True for SQLite's own 'database disk image is malformed' / 'not a database' (SQLITE_CORRUPT, SQLITE_NOTADB)."""
    import sqlite3

    return isinstance(exc, sqlite3.DatabaseError) and (
        getattr(exc, "sqlite_errorcode", None) in (11, 26) or "malformed" in str(exc))


def _usage_message(exc: click.UsageError) -> str:
    """click's message (already Chinese from the catalogue) with Chinese punctuation around the names it quotes."""
    if isinstance(exc, click.MissingParameter) and exc.param is not None and not exc.message:
        param = exc.param
        if isinstance(param, click.Argument):
            return f"缺少参数 {param.make_metavar(exc.ctx) if exc.ctx else param.name}。"
        return f"缺少选项 {' / '.join(param.opts)}。"
    text = re.sub(r"'([^'\n]*)'", r"\1", exc.format_message())
    return text[:-1] + "。" if text.endswith(".") else text


FIRST_YEAR, LAST_YEAR = 1900, 2099  # dates and months a command line may name


class DateType(click.ParamType):
    """A date on the command line: 2026-11-30 (and the other ways a roster may write one)."""

    name = "日期"

    def __init__(self, bounded: bool = True):
        self.bounded = bounded  # casework dates have their own, more precise check against the holiday calendar

    def convert(self, value, param, ctx):
        if isinstance(value, _dt.date):
            return value
        from dibao_cli import cells

        try:
            day = cells.date(value)
        except cells.CellError:
            day = None
        if day is None:
            self.fail(f"“{value}”不是日期，请写成 2026-11-30", param, ctx)
        if self.bounded and not FIRST_YEAR <= day.year <= LAST_YEAR:  # 9999-12-31: a typo, and an overflow
            self.fail(f"日期 {day.isoformat()} 超出可处理的范围（{FIRST_YEAR}–{LAST_YEAR} 年），请核对年份", param, ctx)
        return day


class MonthType(click.ParamType):
    """A month on the command line: 2026-12 (or 202612); the one parser every --month uses."""

    name = "月份"

    def convert(self, value, param, ctx):
        from dibao_cli.ledger.monthly import parse_month

        try:
            month = parse_month(value)
        except UsageInvalid as exc:
            self.fail(exc.message, param, ctx)
        if not FIRST_YEAR <= int(month[:4]) <= LAST_YEAR:
            self.fail(f"月份 {month} 超出可处理的范围（{FIRST_YEAR}–{LAST_YEAR} 年），请核对年份", param, ctx)
        return month


class RegionType(click.ParamType):
    """A region code on the command line (632521): a wrong one is a usage error, exit 2."""

    name = "地区代码"

    def convert(self, value, param, ctx):
        from dibao_cli.policy.loader import check_region

        value = str(value).strip()
        try:
            check_region(value)
        except DibaoError as exc:
            self.fail(exc.message, param, ctx)
        return value


DATE = DateType()
CALENDAR_DATE = DateType(bounded=False)
MONTH = MonthType()
REGION = RegionType()


def parse_date(ctx, param, value):
    """Callback form of DATE (kept for options declared elsewhere)."""
    return None if value is None else DATE.convert(value, param, ctx)


def date_option(help: str, *names: str, required: bool = False, bounded: bool = True):
    """--date (or another date option given by `names`), parsed once into a datetime.date; years outside
    1900-2099 are a usage error unless `bounded` is False (the casework commands check against the calendar)."""
    names = names or ("--date", "on_date")
    return click.option(*names, type=DATE if bounded else CALENDAR_DATE, required=required, metavar="日期", help=help)


def month_option(help: str, required: bool = False):
    """--month, checked when the command line is read (2026-13 is a usage error, exit 2)."""
    return click.option("--month", type=MONTH, required=required, metavar="月份", help=help)


class CountType(click.ParamType):
    """A whole number not below 0 (--limit, --within): -5 is a usage error, not an empty list."""

    name = "整数"

    def __init__(self, maximum: int | None = None):
        self.maximum = maximum

    def convert(self, value, param, ctx):
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            try:
                number = int(str(value).strip())
            except ValueError:
                self.fail(f"应为不小于 0 的整数，这里是“{value}”", param, ctx)
        if number < 0:
            self.fail(f"应为不小于 0 的整数，这里是 {number}", param, ctx)
        if self.maximum is not None and number > self.maximum:
            self.fail(f"应为 0 到 {self.maximum} 之间的整数，这里是 {number}", param, ctx)
        return number


COUNT = CountType(maximum=10**9)  # more than any roster has rows; a longer number is a typo (and overflows SQLite)
DAYS = CountType(maximum=3660)  # --within: at most ten years ahead


def limit_option(help: str, default: int):
    return click.option("--limit", type=COUNT, default=default, metavar="条数", help=help)


def within_option(help: str, default: int, maximum: bool = False):
    return click.option("--within", type=DAYS if maximum else COUNT, default=default, metavar="天数", help=help)


def policy_options(func):
    """--region and --policy: which county's policy applies."""
    func = click.option("--region", type=REGION, metavar="地区代码", help="县（区）代码，如共和县 632521；默认取 dibao.toml，再默认青海省级。")(func)
    func = click.option("--policy", "policies", multiple=True, type=click.Path(path_type=Path), metavar="文件",
                        help="本地政策文件（.toml），可给多个（市州、县）。")(func)
    return func


class LedgerTarget(click.ParamType):
    """--db: a ledger file (a path), or a shared PostgreSQL ledger (a postgresql:// connection string)."""

    name = "ledger"

    def convert(self, value, param, ctx):
        if isinstance(value, str) and value.startswith(("postgresql://", "postgres://")):
            return value
        return click.Path(dir_okay=False, path_type=Path).convert(value, param, ctx)


def db_option(func):
    """--db: the ledger file or database."""
    return click.option("--db", type=LedgerTarget(), metavar="台账",
                        help="台账文件，或共享台账的 PostgreSQL 连接串 postgresql://用户@主机/数据库"
                             "（默认取环境变量 DIBAO_DB，再默认当前文件夹的 dibao.db）。")(func)


def issuer_options(func):
    """Who issues a document: bureau, 文号 prefix, review body, phone, and the templates to use."""
    func = click.option("--phone", metavar="电话", help="咨询或举报电话（印在通知书、公示上）。")(func)
    func = click.option("--review-body", metavar="机关", help="受理行政复议的机关（默认本县人民政府）。")(func)
    func = click.option("--doc-prefix", metavar="文号前缀", help="文号前缀，如 共和民低〔2026〕（默认按地区和年份）。")(func)
    func = click.option("--bureau", metavar="单位", help="发文单位，如 共和县民政局（默认按 --region）。")(func)
    func = click.option("--templates", "templates", type=click.Path(file_okay=False, path_type=Path), metavar="文件夹",
                        help="用这个文件夹里的模板（先用 dibao templates copy 复制自带模板再修改）。")(func)
    return func


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
    from dibao_cli.cli.console import progress_bar
    from dibao_cli.reports.files import write_chunks, write_output, write_xlsx

    if fmt == "table":
        table()
        return
    with progress_bar(f"写入 {output.name if output is not None else fmt.upper()}", unit="行") as advance:
        if fmt == "xlsx":
            specs = sheets()
            if advance is not None:
                for spec in specs:
                    spec.rows = _counted(spec.rows, advance)
            write_xlsx(output, specs, force)
        elif fmt == "json":
            data = json()
            if isinstance(data, bytes):
                write_output(output, data, force)
            else:
                write_chunks(output, data, force)
        else:
            write_output(output, csv(), force)


def _counted(rows, advance, step: int = 1000):
    """The rows, telling `advance` every `step` rows (the progress of writing a large workbook)."""
    count = 0
    for row in rows:
        yield row
        count += 1
        if count == step:
            advance(count)
            count = 0
    if count:
        advance(count)
