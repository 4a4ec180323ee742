"""Terminal output: a rich console, and a progress bar on stderr only when stderr is a terminal."""

from __future__ import annotations

import contextlib
import sys


def console(stderr: bool = False):
    from rich.console import Console

    out = Console(stderr=stderr, highlight=False, soft_wrap=False)
    if not out.is_terminal:
        # Piped or redirected (a script's 汇总.txt): no screen width to fit, so tables keep their natural
        # width and never break a value such as 1222.00 or 2026-11 across lines.
        out = Console(stderr=stderr, highlight=False, soft_wrap=False, width=100_000)
    return out


@contextlib.contextmanager
def progress_bar(description: str, total: int | None = None):
    """Yields a callback advance(n); shows a bar only when stderr is a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console(stderr=True), transient=True) as progress:
        task = progress.add_task(description, total=total)
        yield lambda n: progress.advance(task, n)
