"""Terminal output: a rich console, and, only when stderr is a terminal, one progress display for the whole
run of a command in which each stage (读取名册, 核算, 写入 …) appears by name as it starts."""

from __future__ import annotations

import contextlib
import sys

_RUN = None  # the running command's rich Progress, or None (not a terminal, or no command running)


def console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


@contextlib.contextmanager
def run_progress():
    """The progress display of one command run (entered by every dibao command; nothing when not on a terminal)."""
    global _RUN
    if _RUN is not None or not sys.stderr.isatty():
        yield
        return
    from rich.progress import BarColumn, Progress, ProgressColumn, SpinnerColumn, TextColumn, TimeElapsedColumn
    from rich.text import Text

    class Count(ProgressColumn):
        """"1,200/5,000 户" when the total is known, "25,000 行" while it is not, nothing before anything is done."""

        def render(self, task):
            unit = task.fields.get("unit", "")
            if task.total is not None:
                return Text(f"{int(task.completed):,}/{int(task.total):,} {unit}".rstrip())
            return Text(f"{int(task.completed):,} {unit}".rstrip() if task.completed else "")

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), Count(), TimeElapsedColumn(),
                  console=console(stderr=True), transient=True) as progress:
        _RUN = progress
        try:
            yield
        finally:
            _RUN = None


@contextlib.contextmanager
def progress_bar(description: str, total: int | None = None, unit: str = ""):
    """One named stage of the run: yields advance(n), or None when no progress is shown. A stage without a
    total shows a spinner and the time spent, so a long step is never a blank screen."""
    progress = _RUN
    if progress is None:
        yield None
        return
    task = progress.add_task(description, total=total, unit=unit)
    progress.refresh()
    try:
        yield lambda n: progress.advance(task, n)
    finally:
        progress.update(task, visible=False)
