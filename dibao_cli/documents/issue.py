"""Issuing notices: choose who gets which notice, number them, write HTML or Word files into a folder.

At county scale (tens of thousands of notices) the work is: one template environment for the run, every
template compiled once; each notice rendered once (the combined print file reuses the per-household
section where the template allows it, checked against a full render); every file written under its own
name into a private folder, flushed to disk together (not one by one), then put in place: a new output
folder in one rename, an existing one file by file; the combined print file streamed to disk as notices
are written; from 200 notices on, HTML and Word notices rendered and written by a process pool (the
combined file kept in order by this process).

The pieces: which notice each household gets (kinds), who signs it (issuer), its values and file name
(naming), where each goes (plan), the private folder put in place atomically (staging), the renderers
(render_html with sections, render_docx with combined_docx) and their process pool (pool).
"""

from __future__ import annotations

from pathlib import Path

from dibao_cli.documents.issuer import default_issuer
from dibao_cli.documents.kinds import choose, ledger_kind
from dibao_cli.documents.naming import clean, clean_text, file_names, fingerprint
from dibao_cli.documents.notices import notice_from_ledger, notice_from_result
from dibao_cli.documents.plan import COMBINED, MANIFEST, Plan, read_manifest, write_manifest
from dibao_cli.documents.pool import POOL_FROM
from dibao_cli.documents.render_docx import write_docx
from dibao_cli.documents.render_html import write_html
from dibao_cli.documents.staging import Staging, write_failed


def check_templates(templates, example: dict, fmt: str) -> None:
    """Render every kind once with every optional part present, so that a variable the template uses but
    dibao does not provide is found before any notice is written, whichever branch it sits in."""
    from dibao_cli.documents.notices import KINDS

    for kind, title in KINDS.items():
        sample = dict(example, kind=kind, title=title, appeal=True, phone=example.get("phone") or "0000-0000000",
                      singles=example.get("singles") or [{"name": "示例", "ground": "重病", "total": "0.00"}],
                      old_amount=example.get("old_amount") or "0.00")
        if fmt == "html":
            templates.render("notice.html.j2", True, notices=[sample])
        else:
            templates.word("notice.docx").render_body(sample)


def write_notices(notices: list[dict], folder: Path, fmt: str, force: bool, templates, progress=None,
                  workers: int | None = None, plan: Plan | None = None) -> int:
    """One file per notice and one combined print file (全部通知书.html or .docx) holding every notice in
    the folder; returns the number of notice files written. On failure nothing of this run is left behind
    (files it created are removed)."""
    from dibao_cli.documents.templating import Templates

    if not isinstance(templates, Templates):
        templates = Templates(templates)
    plan = plan or Plan(notices, folder, fmt, force)
    if plan.notices:
        check_templates(templates, plan.notices[0], fmt)
    staging = Staging(plan.folder, force, plan.replaceable, whole=plan.made_folder)
    try:
        if fmt == "html":
            write_html(plan, templates, staging, progress, workers)
        else:
            write_docx(plan, templates, staging, progress, workers)
        write_manifest(plan, staging)
        staging.commit()
    except BaseException:
        staging.abort()
        raise
    return staging.notices


__all__ = ["default_issuer", "choose", "ledger_kind", "write_notices", "notice_from_result", "notice_from_ledger",
           "Plan", "fingerprint", "file_names", "clean_text", "clean", "check_templates", "read_manifest",
           "write_failed", "COMBINED", "MANIFEST", "POOL_FROM"]
