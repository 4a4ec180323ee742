"""The paperwork of a county decision recorded in casework: the 审批通知书 or 不予批准告知书 of the
application's household, built by the notice machinery of `dibao notice` (documents.notices / issue).

The household's figures come from a roster given by the clerk (assessed on the decision's date) or, without
one, from the household's row in the ledger's latest month. A refusal may add the county's own reasons
(what the investigation or the objection during 公示 found); a refusal with no reason at all is not written.
"""

from __future__ import annotations

from dibao_cli.casework.applications import CaseworkError

KIND = {"approved": "approval", "refused": "refusal"}


def _clerk_reasons(texts) -> list[dict]:
    from dibao_cli.documents.notices import MEASURES

    return [{"text": t.strip().rstrip("。；;"), "basis": MEASURES, "code": "county"} for t in texts if t and t.strip()]


def decision_notice(ledger, app: dict, result: str, issuer, number: str, policy, *, assessment=None,
                    reasons: tuple[str, ...] = ()) -> dict:
    """The notice of the county's decision on `app` (`result`: approved or refused). `assessment`: the
    roster's assessment holding the household; else its row in the ledger's latest month is used."""
    from dibao_cli.documents.notices import (
        ALLOWED,
        FILE_LABEL,
        notice_from_ledger,
        notice_from_result,
    )
    from dibao_cli.status import LABEL as STATUS_LABEL

    kind = KIND[result]
    hid = app["household_id"]
    extra = _clerk_reasons(reasons)
    if assessment is not None:
        found = next((r for r in assessment.results if r.household.household_id == hid), None)
        if found is None:
            raise CaseworkError(f"名册中没有申请 {app['id']} 的户 {hid}。请给出含这一户的名册（--roster），户编号与申请登记的一致。")
        status = found.status
        build = lambda: notice_from_result(found, kind, issuer, number, policy)  # noqa: E731
    else:
        month = ledger.latest_month()
        row = ledger.households_of(month).get(hid) if month else None
        if row is None:
            raise CaseworkError(f"台账{f'（{month} 月）' if month else ''}中没有户 {hid} 的核算结果，无法写出{FILE_LABEL[kind]}。"
                                "请用 --roster 给出含这一户家庭情况的名册（如申请时填报的名册）。")
        status = row["status"]
        build = lambda: notice_from_ledger(row, kind, issuer, number, None, policy)  # noqa: E731
    if status not in ALLOWED[kind] and not (kind == "refusal" and extra):
        why = "请用 --reason 写明不予批准的理由（可多次给）。" if kind == "refusal" else "请核对名册或审批结果。"
        raise CaseworkError(f"户 {hid} 按名册核算的结果是“{STATUS_LABEL.get(status, status)}”，"
                            f"不能据此写出{FILE_LABEL[kind]}。{why}")
    notice = build()
    if extra:
        if status not in ALLOWED[kind]:  # eligible on paper, refused on what the county found
            notice["reasons"] = extra
            notice["ground"] = "发现下列情况"
        else:
            notice["reasons"] = notice["reasons"] + extra
    if kind == "refusal" and not notice["reasons"]:
        raise CaseworkError("不予批准告知书须写明理由：请用 --reason 写明（可多次给）。")
    return notice


def notice_step_note(notice: dict, path) -> str:
    """What the step records of the notice issued: its title, number and file."""
    return f"{notice['title']} {notice['doc_number']}（{path.name}）"

