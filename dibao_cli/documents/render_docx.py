"""Word notices: each household's .docx and the combined print file, rendered by the Word template.

From POOL_FROM notices on (and for a template without loops or conditions around paragraphs), worker
processes render chunks and write the households' files.
"""

from __future__ import annotations

import os

from dibao_cli.documents.combined_docx import CombinedDocx
from dibao_cli.documents.pool import default_workers, in_order, worker_templates
from dibao_cli.documents.staging import Staging, write_file


_worker_template = None


def _init_worker(folders: list[str], name: str) -> None:
    global _worker_template
    _worker_template = worker_templates(folders).word(name)


def _render_docx_chunk(chunk: list[tuple[str | None, dict]], date_time, where: str, folder: str) -> list[bytes]:
    """In a worker: each notice's document part (for the combined file), and its own file written into the
    run's private folder `where`."""
    out = []
    for file, notice in chunk:
        document = _worker_template.document_xml(_worker_template.render_body(notice))
        if file is not None:
            data = _worker_template.docx_bytes(notice, document, date_time)
            write_file(os.path.join(where, file), [data], os.path.join(folder, file))
        out.append(document)
    return out


def write_docx(plan, templates, staging: Staging, progress, workers: int | None) -> None:
    word = templates.word("notice.docx")
    entries = plan.combined_entries()
    if not entries:
        return
    date_time = (1980, 1, 1, 0, 0, 0)  # fixed: the same notice gives the same bytes
    combined = CombinedDocx(word, staging, plan.combined.name, entries[0][1], date_time)
    if workers is None:
        workers = default_workers(len(entries))
    use_pool = word.simple and workers > 1

    def one_by_one():
        for file, n, now in entries:
            document = word.document_xml(word.render_body(n)) if word.simple else None
            data = word.docx_bytes(n, document, date_time) if now or document is None else b""
            if now:
                staging.add(file, data)
            yield file if now else None, data, document

    def pooled():
        items = [(file if now else None, n) for file, n, now in entries]
        for chunk, documents in in_order(workers, _init_worker, ([str(f) for f in templates.folders], "notice.docx"),
                                         _render_docx_chunk, items, 50, date_time, staging.dir, staging.folder):
            for (file, _), document in zip(chunk, documents):
                if file is not None:
                    staging.added(file)
                yield file, b"", document

    try:
        for file, data, document in (pooled() if use_pool else one_by_one()):
            if file is not None and progress:
                progress(1)
            combined.add(data, document)
    except BaseException:
        combined.abort()
        raise
    combined.finish()
