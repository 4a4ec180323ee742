"""Issuing notices: choose who gets which notice, number them, write HTML or Word files into a folder."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from dibao_cli.documents.notices import (ALLOWED, FILE_LABEL, Issuer, auto_kind, notice_from_ledger, notice_from_result,
                                         safe_name)
from dibao_cli.assessment import STATUS_LABEL
from dibao_cli.errors import OutputRefused, UsageInvalid
from dibao_cli.outputs import atomic_write
from dibao_cli.policy.loader import COUNTIES, PREFECTURES, region_name


def default_issuer(region: str, day: _dt.date, bureau: str | None, review_body: str | None, prefix: str | None,
                   phone: str | None) -> Issuer:
    name = region_name(region)
    known = region in COUNTIES or region in PREFECTURES
    if bureau is None:
        if not known or region == "630000":
            raise UsageInvalid("请用 --bureau 写明发文单位（如 共和县民政局），或用 --region 指定本县。")
        bureau = f"{name}民政局"
    if review_body is None:
        review_body = f"{name}人民政府" if known and region != "630000" else "本级人民政府"
    if prefix is None:
        short = name.rstrip("县市区州") if known and region != "630000" else ""
        prefix = f"{short}民低〔{day.year}〕"
    return Issuer(bureau, review_body, prefix, day, phone or "")


def choose(results, kind: str, households: set[str] | None) -> tuple[list, list[str]]:
    """(result, kind) pairs to issue, and messages about households skipped."""
    chosen, skipped = [], []
    for result in results:
        hid = result.household.household_id
        if households is not None and hid not in households:
            continue
        wanted = auto_kind(result) if kind == "auto" else kind
        if wanted is None:
            continue
        if result.status not in ALLOWED[wanted]:
            skipped.append(f"户 {hid} 的核算结果是“{STATUS_LABEL[result.status]}”，不能发{FILE_LABEL[wanted]}")
            continue
        chosen.append((result, wanted))
    return chosen, skipped


def ledger_kind(row, events: list[str], previous) -> str | None:
    if "new" in events or ("transfer" in events and row["status"] in ("dibao", "single_person")):
        return "approval"
    if "phase_out_started" in events:
        return "phase-out"
    if "exit" in events:
        return "termination"
    if "amount_changed" in events:
        return "change"
    if previous is None and row["status"] in ("ineligible", "marginal"):
        return "marginal" if row["status"] == "marginal" else "refusal"
    return None


def write_notices(notices: list[dict], folder: Path, fmt: str, force: bool, templates: Path | None) -> list[Path]:
    """One file per household (and, for HTML, one combined file for batch printing)."""
    from dibao_cli.templating import render, render_docx

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    root = folder.resolve()
    targets = []
    for n in notices:
        name = f"{safe_name(n['household_id'])}-{FILE_LABEL[n['kind']]}.{fmt}"
        target = (folder / name)
        if target.resolve().parent != root:
            raise OutputRefused(f"文件名 {name} 会写到输出文件夹之外，已拒绝。")
        targets.append(target)
    combined = folder / "全部通知书.html"
    existing = [t for t in targets + ([combined] if fmt == "html" else []) if t.exists()]
    if existing and not force:
        raise OutputRefused(f"输出文件夹中已有 {len(existing)} 个同名文件（如 {existing[0].name}），未覆盖。请换一个文件夹，或加 --force。")
    if notices:
        _check_templates(notices[0], fmt, folder, templates)
    written = []
    for n, target in zip(notices, targets):
        if fmt == "html":
            atomic_write(target, render("notice.html.j2", templates, autoescape=True, notices=[n]).encode("utf-8"), True)
        else:
            tmp = target.with_name(f".{target.name}.tmp")
            render_docx("notice.docx", n, tmp, templates)
            tmp.replace(target)
        written.append(target)
    if fmt == "html" and notices:
        atomic_write(combined, render("notice.html.j2", templates, autoescape=True, notices=notices).encode("utf-8"), True)
        written.append(combined)
    return written


def _check_templates(example: dict, fmt: str, folder: Path, templates: Path | None) -> None:
    """Render every kind once with every optional part present, so that a variable the template uses but
    dibao does not provide is found before any notice is written, whichever branch it sits in."""
    from dibao_cli.documents.notices import KINDS
    from dibao_cli.templating import render, render_docx

    for kind, title in KINDS.items():
        sample = dict(example, kind=kind, title=title, appeal=True, phone=example.get("phone") or "0000-0000000",
                      singles=example.get("singles") or [{"name": "示例", "ground": "重病", "total": "0.00"}],
                      old_amount=example.get("old_amount") or "0.00")
        if fmt == "html":
            render("notice.html.j2", templates, autoescape=True, notices=[sample])
        else:
            probe = folder / ".模板检查.docx"
            try:
                render_docx("notice.docx", sample, probe, templates)
            finally:
                probe.unlink(missing_ok=True)


__all__ = ["default_issuer", "choose", "ledger_kind", "write_notices", "notice_from_result", "notice_from_ledger"]
