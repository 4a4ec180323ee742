"""The paper of a county decision issued by `dibao step … 县级审批 --notice`: checked before the decision is
recorded, then numbered, written beside any other notices without touching them, and noted in the casework
(a refusal's 书面告知 is recorded as its own step)."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from dibao_cli.errors import OutputRefused, UsageInvalid


def steps(ledger, application_id: int) -> list[dict]:
    from dibao_cli.ledger.casework import steps_of

    return steps_of(ledger, [application_id])[application_id]


def refuse_repeat(ledger, application_id: int, code: str, on: _dt.date) -> None:
    """A refusal is told once, an approval's notice issued once: printing again uses the file already written."""
    if code == "refused":
        told = [s for s in steps(ledger, application_id) if s["step"] == "refusal_notice"]
        if told:
            raise UsageInvalid(f"申请 {application_id} 已于 {told[-1]['on_date']} 书面告知（{told[-1]['note']}），"
                               "不再重复出具。需要补打时，用原文件重新打印。")
    if code == "approved":
        issued = [s for s in steps(ledger, application_id)
                  if s["step"] == "decision" and s["on_date"] == on.isoformat() and "通知书" in s["note"]]
        if issued:
            raise UsageInvalid(f"申请 {application_id} 的审批已出具通知书（{issued[-1]['note']}），不再重复出具。"
                               "需要补打时，用原文件重新打印。")


def prepare(ledger, app, code: str, issuer, policy, assessment, reasons) -> tuple:
    """(the notice without its number, the issuer, the policy, the assessment, the reasons): everything that can
    refuse the paper is checked here, before the decision is recorded."""
    from dibao_cli.casework.decisions import decision_notice

    notice = decision_notice(ledger, app, code, issuer, "", policy, assessment=assessment, reasons=reasons)
    return notice, issuer, policy, assessment, reasons


def require_decision(ledger, application_id: int, created: bool, on: _dt.date, code: str, result: str) -> None:
    """The paper is issued only for a decision the ledger holds on that day with that result."""
    decided = [s for s in steps(ledger, application_id) if s["step"] == "decision"]
    if not created and not any(s["on_date"] == on.isoformat() and s["result"] == code for s in decided):
        raise UsageInvalid(f"申请 {application_id} 在 {on.isoformat()} 没有“{result.strip()}”的县级审批，未出具通知书。")


def issue(ledger, app, paper, on: _dt.date, folder, fmt: str, force: bool, templates) -> tuple[list, bool]:
    """Number the notice, write it, and for a refusal record the 书面告知 step (the notice of that day)."""
    import shutil
    import tempfile

    from dibao_cli.casework import applications as apps
    from dibao_cli.casework.decisions import decision_notice, notice_step_note
    from dibao_cli.documents.issue import file_names, write_notices

    notice, issuer, policy, assessment, reasons = paper
    name = file_names([{"household_id": app["household_id"], "kind": notice["kind"]}], fmt)[0]
    target = Path(folder) / name
    if target.exists() and not force:
        raise OutputRefused(f"文件夹 {folder} 中已有 {target.name}，未覆盖。请换一个文件夹，或加 --force。")
    number = ledger.allocate_numbers(issuer.prefix, 1)[0]
    code = "approved" if notice["kind"] == "approval" else "refused"
    final = decision_notice(ledger, app, code, issuer, f"{issuer.prefix}{number}号", policy, assessment=assessment,
                            reasons=reasons)
    paper[0].update(final)
    # written in a folder of its own inside the target, then moved in place: another notice's files (or the
    # combined print file of `dibao notice`) already in the folder are never touched
    Path(folder).mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".dibao-", dir=folder))
    try:
        write_notices([final], scratch, fmt, True, templates)
        (scratch / name).replace(target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    written = [target]
    recorded = False
    if final["kind"] == "approval":
        from dibao_cli.ledger.casework import add_step_note

        decision = [s for s in steps(ledger, app["id"]) if s["step"] == "decision" and s["on_date"] == on.isoformat()]
        add_step_note(ledger, decision[-1]["id"], notice_step_note(final, target))
    if final["kind"] == "refusal":
        current = apps.get_application(ledger, app["id"])
        if current["status"] == "open":
            recorded = apps.record_step(ledger, current, "refusal_notice", on, note=notice_step_note(final, written[0]),
                                        source="dibao step")
    return written, recorded
