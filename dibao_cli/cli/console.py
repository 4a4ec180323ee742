"""Terminal output: a rich console, and, only when stderr is a terminal, a progress display for each stage of
a run (读取名册, 核算, 写入 …) named as it starts, so a long run is never a blank screen.

The display is live only while a stage runs: tables and messages are printed between stages and never
collide with it. A stage inside another (streamed JSON: 核算 while 写入) joins the display already shown."""

from __future__ import annotations

import contextlib
import re
import sys

_LIVE = None  # the rich Progress shown while a stage runs, or None


# control characters a roster value may carry (NUL, backspace, carriage return, ESC, …): never sent to the
# screen, where they could hide, overwrite or clear what was printed. Tab and newline stay; rich's own colour
# codes are added after the text is cleaned.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_CLEAN_CONSOLE = None


def clean_screen(text: str) -> str:
    """`text` without the control characters above (for text printed without rich, e.g. `explain`)."""
    return _CONTROL.sub("", text)


def _console_class():
    global _CLEAN_CONSOLE
    if _CLEAN_CONSOLE is None:
        from rich.console import Console
        from rich.segment import Segment

        class CleanConsole(Console):
            def _render_buffer(self, buffer) -> str:
                return super()._render_buffer(
                    segment if segment.control or segment.text.isprintable()
                    else Segment(clean_screen(segment.text), segment.style, segment.control) for segment in buffer)

        _CLEAN_CONSOLE = CleanConsole
    return _CLEAN_CONSOLE


def literal(value) -> str:
    """`value` shown as written in a line or table cell printed as rich markup (see reports/screens.py, where the
    terminal tables use it too; imported when first used, so that `dibao --help` loads no reports module)."""
    from dibao_cli.reports.screens import literal as shown_as_written

    return shown_as_written(value)


def literal_cells(values) -> list[str]:
    """Table cells shown as written (see literal)."""
    from dibao_cli.reports.screens import literal_cells as cells_as_written

    return cells_as_written(values)


def say(text: str, stderr: bool = False) -> None:
    """Print one line on standard output (or error) as it is (a file name such as "[/tmp]结果.json" is no markup,
    ":smile:" no emoji), byte for byte as `console().print(text, markup=False)` does: for a line whose every part
    is plain text. When that needs nothing of rich (output piped or redirected, printable characters only) the
    line is written directly, without importing rich (whose console takes some 15 ms to import)."""
    if len(text) < 10_000 and text.isprintable() and _plain(sys.stderr if stderr else sys.stdout):
        stream = sys.stderr if stderr else sys.stdout
        stream.write(text + "\n")
        stream.flush()
        return
    console(stderr=stderr).print(text, markup=False)


def _plain(stream) -> bool:
    """True when rich would treat `stream` as no terminal (see rich's Console.is_terminal)."""
    import builtins
    import os

    if "get_ipython" in vars(builtins) or os.environ.get("TTY_COMPATIBLE") or "FORCE_COLOR" in os.environ:
        return False
    try:
        return not stream.isatty()
    except (AttributeError, ValueError):
        return False


def console(stderr: bool = False):
    """dibao's console. It never turns ":name:" into an emoji (dibao prints none, and a roster's ":smile:" is
    text); markup is its own, and every value in a markup line goes through `literal` (or `say` prints it)."""
    Console = _console_class()
    out = Console(stderr=stderr, highlight=False, soft_wrap=False, emoji=False)
    if not out.is_terminal:
        # Piped or redirected (a script's 汇总.txt): no screen width to fit, so tables keep their natural
        # width and never break a value such as 1222.00 or 2026-11 across lines.
        out = Console(stderr=stderr, highlight=False, soft_wrap=False, emoji=False, width=100_000)
    return out


def _progress():
    from rich.progress import (
        BarColumn,
        Progress,
        ProgressColumn,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )
    from rich.text import Text

    class Count(ProgressColumn):
        """"1,200/5,000 户" when the total is known, "25,000 行" while it is not, nothing before anything is done."""

        def render(self, task):
            unit = task.fields.get("unit", "")
            if task.total is not None:
                return Text(f"{int(task.completed):,}/{int(task.total):,} {unit}".rstrip())
            return Text(f"{int(task.completed):,} {unit}".rstrip() if task.completed else "")

    return Progress(SpinnerColumn(), TextColumn("{task.description}", markup=False), BarColumn(), Count(), TimeElapsedColumn(),
                    console=console(stderr=True), transient=True, redirect_stdout=False, redirect_stderr=False)


@contextlib.contextmanager
def progress_bar(description: str, total: int | None = None, unit: str = ""):
    """One named stage of the run: yields advance(n), or None when stderr is not a terminal. A stage without a
    total shows a spinner, the count so far and the time spent."""
    global _LIVE
    if not sys.stderr.isatty():
        yield None
        return
    outer = _LIVE is None
    if outer:
        _LIVE = _progress()
        _LIVE.start()
    progress = _LIVE
    task = progress.add_task(description, total=total, unit=unit)
    progress.refresh()
    try:
        yield lambda n: progress.advance(task, n)
    finally:
        if outer:
            progress.stop()
            _LIVE = None
        else:
            progress.update(task, visible=False)

