"""Statuses, in one place.

An assessment decides one *status* per household (English codes, stable in JSON and in the ledger);
a roster's 保障状态 column holds a *state* (the Chinese words clerks type). This module names both,
their labels, the programme (类别) each belongs to, and which of them count as covered by 低保 (the
household is paid from the 低保 fund this month).
"""

from __future__ import annotations

# ---- assessment statuses (JSON `status`, ledger `households.status`)
DIBAO = "dibao"
SINGLE_PERSON = "single_person"
PHASE_OUT = "phase_out"
EXIT = "exit"
MARGINAL = "marginal"
INELIGIBLE = "ineligible"
TEKUN = "tekun"
RIGID = "rigid"

#: paid from the 低保 fund this month (whole household, single person, or in the phase-out period)
COVERED = (DIBAO, SINGLE_PERSON, PHASE_OUT)
#: the same set as an SQL list, for the ledger's queries
COVERED_SQL = "(" + ", ".join(f"'{s}'" for s in COVERED) + ")"

LABEL = {
    DIBAO: "低保", SINGLE_PERSON: "单人户", PHASE_OUT: "渐退期", EXIT: "停保（渐退期满）",
    MARGINAL: "低保边缘", INELIGIBLE: "不符合", TEKUN: "特困供养", RIGID: "刚性支出困难家庭",
}

# ---- roster states (the 保障状态 column) and programmes (类别)
STATE_DIBAO = "低保"
STATE_SINGLE_PERSON = "单人户"
STATE_PHASE_OUT = "渐退期"
STATE_TEKUN = "特困"
STATE_MARGINAL = "边缘"
STATE_RIGID = "刚性支出"
STATE_NONE = "无"

#: every value the 保障状态 column may hold after its synonyms are mapped
STATES = (STATE_DIBAO, STATE_SINGLE_PERSON, STATE_PHASE_OUT, STATE_TEKUN, STATE_MARGINAL, STATE_RIGID, STATE_NONE)
#: states whose households are paid 低保 now
COVERED_STATES = (STATE_DIBAO, STATE_PHASE_OUT, STATE_SINGLE_PERSON)
#: states under a 低保 decision that has not ended (a phase-out is still 低保)
CURRENT_DIBAO_STATES = (STATE_DIBAO, STATE_PHASE_OUT)
#: states the annual review looks at (households receiving some assistance)
REVIEWED_STATES = (STATE_DIBAO, STATE_PHASE_OUT, STATE_SINGLE_PERSON, STATE_TEKUN, STATE_RIGID)

#: the roster state a status is recorded as in the ledger
STATE_OF = {DIBAO: STATE_DIBAO, SINGLE_PERSON: STATE_SINGLE_PERSON, PHASE_OUT: STATE_PHASE_OUT,
            MARGINAL: STATE_MARGINAL, TEKUN: STATE_TEKUN, RIGID: STATE_RIGID}
#: the programme (类别) of a status: 单人户 and 渐退期 are 低保
CATEGORY = {DIBAO: STATE_DIBAO, SINGLE_PERSON: STATE_DIBAO, PHASE_OUT: STATE_DIBAO, MARGINAL: STATE_MARGINAL,
            TEKUN: STATE_TEKUN, RIGID: STATE_RIGID}
#: the programme (类别) of a roster state
CATEGORY_OF_STATE = {STATE_DIBAO: STATE_DIBAO, STATE_SINGLE_PERSON: STATE_DIBAO, STATE_PHASE_OUT: STATE_DIBAO,
                     STATE_MARGINAL: STATE_MARGINAL, STATE_TEKUN: STATE_TEKUN, STATE_RIGID: STATE_RIGID}
#: the programme named on paper (publicity lists, visit sheets) for a status
PROGRAMME_LABEL = {DIBAO: "低保", SINGLE_PERSON: "低保", PHASE_OUT: "低保", MARGINAL: "低保边缘"}


def label(status: str) -> str:
    return LABEL.get(status, status)


def is_covered(status: str) -> bool:
    return status in COVERED

# ---- named groups of statuses and states used by several modules
#: 低保 for the whole household or for a person covered alone (not in phase-out): approval and change notices
WHOLE_OR_SINGLE = (DIBAO, SINGLE_PERSON)
#: not covered after an assessment: refused, or 低保边缘 only
NOT_COVERED = (INELIGIBLE, MARGINAL)
#: statuses a termination notice may follow (cover stopped: phase-out over, no longer eligible, or 边缘 only)
ENDED = (EXIT, INELIGIBLE, MARGINAL)
#: the programmes (类别) a case or an application may belong to
PROGRAMMES = (STATE_DIBAO, STATE_TEKUN, STATE_MARGINAL, STATE_RIGID)
