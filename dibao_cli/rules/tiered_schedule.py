"""特困供养 and 刚性支出困难家庭 in the ledger's monthly events and in `dibao review`.

Monthly events: a person moving between 低保 and 特困 is a 转类 (never 停保 + 新增); a household newly
recognised, or leaving, 特困 or 刚性支出 gets its own event. Reviews: 特困 households, and households with 特困
members, are re-checked every `tekun_review_months` (yearly by default); a 刚性支出 recognition is re-checked
when its validity ends.
"""

from __future__ import annotations

import datetime as _dt

from dibao_cli.rules.phase_out import add_months, phase_out_end
from dibao_cli.status import RIGID, SINGLE_PERSON, STATE_DIBAO, STATE_RIGID, STATE_TEKUN, TEKUN

BASIS_TEKUN = "《特困人员认定办法》（民发〔2021〕43号）：县级民政部门对特困人员定期核查，不再符合条件的终止供养"
BASIS_RIGID = "青海省刚性支出困难家庭认定（2025年）：认定有效期12个月，期满复核"


def tiered_events(result, cat_before: str | None, cat_now: str | None,
                  previous_tekun: frozenset = frozenset()) -> list[tuple[str, str]]:
    """Events beside the 低保 ones of `ledger.month_rows.events` (categories 低保, 边缘, 特困, 刚性支出);
    `previous_tekun`: ID numbers supported as 特困 last month (a member's 转类 is recorded once)."""
    out = []
    if cat_before is None and cat_now == STATE_TEKUN:
        out.append(("new_tekun", "新认定为特困供养"))
    elif cat_before is None and cat_now == STATE_RIGID:
        out.append(("new_rigid", "新认定为刚性支出困难家庭"))
    elif cat_before == STATE_TEKUN and cat_now is None:
        out.append(("tekun_ended", "终止特困供养"))
    elif cat_before == STATE_RIGID and cat_now is None:
        out.append(("rigid_ended", "刚性支出困难家庭复核不再符合，退出"))
    elif cat_now == STATE_DIBAO and any(f.code == "rigid_new" for f in result.flags):
        out.append(("new_rigid", "新认定为刚性支出困难家庭"))  # with a 单人保 member: recorded as 单人户
    # a member's own 转类 only while the household stays in its programme: when the household itself moves
    # (特困 -> 低保, 低保 -> 特困) the household event above is that 转类, recorded once
    if cat_now != STATE_TEKUN and (cat_before is None or cat_before == cat_now):
        for flag in result.flags:
            if flag.code == "transfer_to_tekun":
                # the flag names the person first; a name may itself hold a space (Tashi Dorje)
                found = next((d for d in result.supported if flag.text.startswith(f"{d.member.name} 现为")), None)
                if found is None:
                    continue
                if found.member.id_number in previous_tekun:
                    continue  # moved last month: the roster has not been marked 特困 = 是 yet
                out.append(("member_transfer", f"{found.member.name} 由低保转为特困供养（转类）"))
            elif flag.code == "tekun_ended" and cat_now == STATE_DIBAO:
                found = next((d for d in result.tekun if d.outcome == "ended"
                              and flag.text.startswith(f"{d.member.name} 不再符合")), None)
                if found is not None:
                    out.append(("member_transfer", f"{found.member.name} 由特困供养转为低保（转类）"))
    return out


def tiered_due_items(cases, horizon: _dt.date, policy, make_item) -> list:
    """Reviews of 特困 households (every tekun_review_months from the last check or the recognition) and of
    刚性支出 recognitions (when their validity ends); `make_item` builds review.DueItem."""
    items = []
    for case in cases:
        where = (case.household_id, case.township or "", case.village or "", case.head_name or "")
        if case.status == TEKUN or case.tekun_members:  # a whole 特困 household, or 特困 members in another
            start = case.last_check or case.enrolled_on
            if start is None:
                items.append(make_item(*where, "tekun_review", "特困供养核查", None, "既没有上次核查日期，也没有认定日期",
                                       BASIS_TEKUN))
                continue
            due = add_months(start, policy.tekun_review_months)
            if due <= horizon:
                members = "" if case.status == TEKUN else f"户内特困供养人员 {case.tekun_members} 人；"
                items.append(make_item(*where, "tekun_review", "特困供养核查", due,
                                       f"{members}{'上次核查' if case.last_check else '认定'} {start.isoformat()}，"
                                       f"每 {policy.tekun_review_months} 个月核查一次", BASIS_TEKUN))
        if case.status == RIGID or (case.status == SINGLE_PERSON and case.rigid):
            if case.enrolled_on is None:
                items.append(make_item(*where, "rigid_review", "刚性支出困难家庭复核", None, "没有认定日期", BASIS_RIGID))
                continue
            end = phase_out_end(case.enrolled_on, policy.rigid_valid_months)
            if end <= horizon:
                items.append(make_item(*where, "rigid_review", "刚性支出困难家庭复核", end,
                                       f"{case.enrolled_on.isoformat()} 认定，有效期至 {end.isoformat()}", BASIS_RIGID))
    return items
