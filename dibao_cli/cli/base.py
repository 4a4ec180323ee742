"""The command classes: every failure mapped to one exit status and one Chinese sentence; a command runs with the
cycle collector paused (the edge of the program, where that process-wide switch belongs)."""

from __future__ import annotations

import contextlib
import gc
import os
import re
import sys

import click

from dibao_cli.cli.helpformat import ChineseHelp, DibaoContext  # noqa: F401 - DibaoContext is part of this module's face
from dibao_cli.errors import DibaoError, ExitStatus, UsageInvalid

INTERRUPTED_MESSAGE = "已中止（Ctrl-C）：没有写完的文件不会留下，台账保持本次操作之前的样子。"
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

@contextlib.contextmanager
def gc_paused():
    """Pause Python's cycle collector (process-wide) while a command runs, and freeze what is left when it ends.

    A command's bulk work (reading a million rows, assessing, serialising) builds millions of long-lived objects
    and no reference cycles; collections during it would scan them again and again. Reference counting still frees
    everything that is dropped. On the way
    out, whatever the command left is frozen (`gc.freeze`): a later collection in the same process never scans it,
    and a cycle it left behind (an open file in a stopped write) is never finalised at some unrelated later
    moment."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


# A command that has read a roster of at least this many households ends its process without freeing what it
# built (see end_quickly); a smaller one ends as any Python program does.
QUICK_EXIT_HOUSEHOLDS = 2_000
_KEPT: list = []  # what the command asked to keep until the process ends (see end_quickly)


def end_quickly(roster) -> None:
    """Ask that the process, once this command has finished, end without freeing the roster it read.

    Freeing a province's roster one object at a time (a million members, their cells, the households) is most of a
    second, spent when the command returns. When the command returns or exits with a status, every output is
    already written: files are fsynced and renamed before the command returns, and standard output is flushed
    below. So the roster is kept here, and the program then runs the exit handlers (atexit: temporary files, the
    console), flushes standard output and error, and ends with os._exit and the same status. Only for the real
    program (`dibao ...`, `python -m dibao_cli`): a caller that runs the command inside its own process (tests,
    CliRunner) gets it back as before, and the roster is let go when the command ends."""
    if len(roster.households) >= QUICK_EXIT_HOUSEHOLDS:
        _KEPT.append(roster)


def _end_now(code) -> None:
    """End the process with `code` as the interpreter would (threads, exit handlers, flushed streams), without
    its teardown; return without ending it when that cannot be done the same way, and the interpreter ends it."""
    import atexit
    import threading

    if code is None:
        code = 0
    if type(code) is bool or not isinstance(code, int) or not 0 <= code <= 255:
        return  # a message or an odd status: the interpreter says and maps it
    if threading.active_count() > 1:
        return  # a thread still running: the interpreter waits for it
    if sys.getprofile() is not None or sys.gettrace() is not None:
        return  # run under a profiler or debugger (python -m cProfile), which reports once the program returns
    atexit._run_exitfuncs()  # and forgets them: if the flush below fails, the interpreter does not run them twice
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:  # noqa: BLE001 - e.g. a pipe closed by the reader: the interpreter reports it (status 120)
        return
    os._exit(int(code))


class DibaoCommand(ChineseHelp, click.Command):
    def invoke(self, ctx):
        try:
            with gc_paused():
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
        try:
            result = self._main(args, prog_name, complete_var, **extra)
        except SystemExit as exc:
            if args is None and _KEPT:  # the program itself, not a caller's process (see end_quickly)
                _end_now(exc.code)
            raise
        else:
            if args is None and _KEPT and result is None:
                _end_now(0)
            return result
        finally:
            _KEPT.clear()
            # What the program leaves is frozen: the interpreter's exit then frees it without scanning it for
            # cycles first (a quarter of `dibao --version`; a command has frozen its own objects already).
            gc.freeze()

    def _main(self, args, prog_name, complete_var, **extra):
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
