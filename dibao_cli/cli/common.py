"""Every option and helper the commands share: dates, months, policy, ledger, issuer, input and output options,
the output format and how a result is written."""

from __future__ import annotations

from pathlib import Path

import click

from dibao_cli.cli.base import CONTEXT, INTERRUPTED_MESSAGE, DibaoCommand, DibaoGroup, DibaoSubGroup  # noqa: F401
from dibao_cli.cli.helpformat import DibaoContext  # noqa: F401
from dibao_cli.cli.params import (  # noqa: F401
    CALENDAR_DATE,
    COUNT,
    DATE,
    DAYS,
    FIRST_YEAR,
    LAST_YEAR,
    MONTH,
    REGION,
    CountType,
    DateType,
    MonthType,
    RegionType,
)


def parse_date(ctx, param, value):
    """Callback form of DATE (kept for options declared elsewhere)."""
    return None if value is None else DATE.convert(value, param, ctx)


def date_option(help: str, *names: str, dest: str = "on_date", required: bool = False, bounded: bool = True):
    """--date (passed to the command as `dest`), or another date option given by `names`, parsed once into a
    datetime.date; years outside 1900-2099 are a usage error unless `bounded` is False (the casework commands
    check against the calendar). The one declaration of every date option."""
    names = names or ("--date", dest)
    return click.option(*names, type=DATE if bounded else CALENDAR_DATE, required=required, metavar="日期", help=help)


def month_option(help: str, required: bool = False):
    """--month, checked when the command line is read (2026-13 is a usage error, exit 2)."""
    return click.option("--month", type=MONTH, required=required, metavar="月份", help=help)

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
        from dibao_cli.ledger.store import is_url

        if is_url(value):  # postgresql://... or the keyword form host=... dbname=...
            return value
        return click.Path(dir_okay=False, path_type=Path).convert(value, param, ctx)


def db_option(func):
    """--db: the ledger file or database."""
    return click.option("--db", type=LedgerTarget(), metavar="台账",
                        help="台账文件，或共享台账的 PostgreSQL 连接串 postgresql://用户@主机/数据库"
                             "（默认取环境变量 DIBAO_DB，再默认当前文件夹的 dibao.db）。")(func)


def force_option(help: str = "输出文件已存在时覆盖它。"):
    """--force: overwrite an output that exists (never without it)."""
    return click.option("--force", is_flag=True, help=help)


def output_file_option(help: str):
    """-o/--output: the one file a command writes (required)."""
    return click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
                        metavar="文件", help=help)


def templates_option(help: str = "用这个文件夹里的模板（先用 dibao templates copy 复制自带模板再修改）。"):
    """--templates: a folder of the bureau's own templates."""
    return click.option("--templates", "templates", type=click.Path(file_okay=False, path_type=Path),
                        metavar="文件夹", help=help)


def encoding_option(help: str = "CSV/TXT 的编码（默认自动识别）。"):
    """--encoding of CSV/TXT files."""
    return click.option("--encoding", metavar="编码", help=help)


def issuer_options(func):
    """Who issues a document: bureau, 文号 prefix, review body, phone, and the templates to use."""
    func = click.option("--phone", metavar="电话", help="咨询或举报电话（印在通知书、公示上）。")(func)
    func = click.option("--review-body", metavar="机关", help="受理行政复议的机关（默认本县人民政府）。")(func)
    func = click.option("--doc-prefix", metavar="文号前缀", help="文号前缀，如 共和民低〔2026〕（默认按地区和年份）。")(func)
    func = click.option("--bureau", metavar="单位", help="发文单位，如 共和县民政局（默认按 --region）。")(func)
    func = templates_option()(func)
    return func


def rosters_argument(required: bool = True, metavar: str | None = None):
    """The roster files a command reads: one or more, or none where the ledger stands in for them."""
    return click.argument("rosters", nargs=-1, required=required, type=click.Path(path_type=Path),
                          metavar=metavar or ("名册文件..." if required else "[名册文件...]"))


def input_options(func):
    """Options shared by every command that reads rosters."""
    func = encoding_option("CSV/TXT 的编码（默认自动识别 UTF-8 或 GB18030）。")(func)
    func = click.option("--all-sheets", is_flag=True, help="读取工作簿中所有名册工作表（每村一个工作表时用）。")(func)
    func = click.option("--sheet", metavar="工作表", help="只读取这个工作表（默认读取第一个有名册表头的工作表）。")(func)
    return func


def output_options(formats: tuple[str, ...]):
    def decorate(func):
        func = force_option()(func)
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
            data = csv()
            if isinstance(data, bytes):
                write_output(output, data, force)
            else:
                write_chunks(output, data, force)


def _counted(rows, advance, step: int = 1000):
    """The rows, telling `advance` every `step` rows (the progress of writing a large workbook); rows that can
    be gone through twice (a list, packed rows) stay so."""
    from dibao_cli.reports.fastbook import again
    from dibao_cli.reports.rowstore import Counted, counted_once

    if again(rows):
        return Counted(rows, advance, step)
    return counted_once(rows, advance, step)


def resolve(region, policies, day):
    """The policy in force on `day` for --region and --policy (files read once per call)."""
    from dibao_cli.policy.config import choose_policy

    return policy_on(choose_policy(region, policies), day)


def policy_on(chosen, day):
    """A chosen policy's values on `day`; a standard years old is said with every result that uses it."""
    from dibao_cli.policy import PolicyAt

    at = PolicyAt(chosen, day)
    for message in at.stale_standards():
        if message not in at.policy.notes:
            at.policy.notes.append(message)
    return at
