"""HTML notices: each household's file and the combined print file, written in one rendering pass.

From POOL_FROM notices on, worker processes render chunks and write the households' files while this
process keeps the combined file in order.
"""

from __future__ import annotations

import os

from dibao_cli.documents.pool import default_workers, in_order, worker_templates
from dibao_cli.documents.sections import EncodedFrames, Frames, separable, sections
from dibao_cli.documents.staging import Staging, Stream, write_file


def write_html(plan, templates, staging: Staging, progress, workers: int | None = None) -> None:
    name = "notice.html.j2"
    entries = plan.combined_entries()
    if not entries:
        return
    fast, fields = separable(templates, name)
    frame = Frames(templates, name, fields)
    if fast:  # the first two notices also rendered in full: on any difference, each is rendered in full
        sample = [n for _, n, _ in entries[:2]]
        parts: list[str] = []
        sections(templates, name, sample, lambda i, body: parts.append(body), lambda text: None)
        fast = all("".join((frame(n)[0], body, frame(n)[1])) == templates.render(name, True, notices=[n])
                   for n, body in zip(sample, parts))
    if workers is None:
        workers = default_workers(len(entries))
    combined = Stream(staging, plan.combined.name)
    try:
        if fast and workers > 1:
            _write_html_pool(templates, staging, progress, workers, entries, frame, fields, combined)
        else:
            encoded = EncodedFrames(frame)

            def section(index: int, body: str) -> None:
                data = body.encode("utf-8")
                combined.write_bytes(data)
                file, notice, now = entries[index]
                if now:
                    if fast:
                        head, tail = encoded(notice)
                        parts = [head, data, tail]
                    else:
                        parts = [templates.render(name, True, notices=[notice]).encode("utf-8")]
                    write_file(staging.path(file), parts, staging.target(file))
                    staging.added(file)
                    if progress:
                        progress(1)

            sections(templates, name, [n for _, n, _ in entries], section, combined.write)
    except BaseException:
        combined.abort()
        raise
    combined.finish()


_worker_html = None


def _init_html_worker(folders: list[str], name: str, fields) -> None:
    global _worker_html
    templates = worker_templates(folders)
    _worker_html = (templates, name, EncodedFrames(Frames(templates, name, fields)))


def _render_html_chunk(chunk: list[tuple[str | None, dict]], where: str, folder: str) -> list[bytes]:
    """In a worker: each notice's part of the combined file (UTF-8), and its own file written into the run's
    private folder `where`."""
    templates, name, frame = _worker_html
    bodies: list[str] = []
    sections(templates, name, [n for _, n in chunk], lambda i, body: bodies.append(body), lambda text: None)
    out = []
    for (file, notice), body in zip(chunk, bodies):
        data = body.encode("utf-8")
        if file is not None:
            head, tail = frame(notice)
            write_file(os.path.join(where, file), [head, data, tail], os.path.join(folder, file))
        out.append(data)
    return out


def _write_html_pool(templates, staging: Staging, progress, workers, entries, frame, fields, combined) -> None:
    """Both cores: workers render chunks of notices and write their files; this process keeps the combined
    file in order."""
    head, tail = frame(entries[0][1], length=len(entries))
    combined.write(head)
    items = [(file if now else None, notice) for file, notice, now in entries]
    results = in_order(workers, _init_html_worker, ([str(f) for f in templates.folders], "notice.html.j2", fields),
                       _render_html_chunk, items, 100, staging.dir, staging.folder)
    try:
        for chunk, bodies in results:
            for (file, _), body in zip(chunk, bodies):
                combined.write_bytes(body)
                if file is not None:
                    staging.added(file)
                    if progress:
                        progress(1)
    finally:
        results.close()
    combined.write(tail)
