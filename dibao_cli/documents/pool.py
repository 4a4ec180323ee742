"""The process pool that renders notices on every core: workers render chunks of notices and write each
household's file into the run's private folder; the results come back in order, a few chunks in flight, so
memory stays flat however many notices there are."""

from __future__ import annotations

import os
import sys
from pathlib import Path

POOL_FROM = 200  # notices rendered in a process pool from this many on


def default_workers(count: int) -> int:
    """Both cores pay once there are enough notices to share."""
    return min(os.cpu_count() or 1, 4) if count >= POOL_FROM else 1


def worker_templates(folders: list[str]):
    """The run's templates in a worker process (the template folders as the parent found them)."""
    from dibao_cli.documents.templating import Templates

    templates = Templates.__new__(Templates)
    templates.override = None
    templates.folders = [Path(f) for f in folders]
    templates._envs, templates._compiled = {}, {}
    return templates


def in_order(workers: int, initializer, initargs, task, items: list, size: int, *args):
    """(chunk, task(chunk, *args)) for chunks of `size` items, in order, rendered by `workers` processes.
    When the caller stops early, the chunks not yet started are cancelled (nothing more is written into the
    private folder once it is removed)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=initializer, initargs=initargs) as pool:
        window = []
        try:
            for chunk in chunks:
                window.append((pool.submit(task, chunk, *args), chunk))
                if len(window) > 2 * workers:
                    future, chunk = window.pop(0)
                    yield chunk, future.result()
            for future, chunk in window:
                yield chunk, future.result()
        except BaseException:
            for future, _ in window:
                future.cancel()
            raise
