"""The rows an import stores, made the fast way (ledger/month_rows.py), against the plain way: each household's
reasons kept by their text give the same stored form as compact_reasons of each reason; members compared as
one string give the same member events as comparing the sets of ID numbers. On the examples, on generated
clean, messy and mixed rosters, and with hypothesis."""

import datetime as dt
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES, ROOT

from dibao_cli.assess.household import assess_roster
from dibao_cli.assess.result import Reason
from dibao_cli.cli.assess import resolve
from dibao_cli.ledger import month_rows
from dibao_cli.ledger.schema import compact_reasons
from dibao_cli.ledger.store import SEP, Ledger
from dibao_cli.model import Household, Member
from dibao_cli.reading.roster import read_rosters

DAY = dt.date(2026, 2, 28)


def _generate(tmp_path: Path, n: int, *flags: str) -> Path:
    path = tmp_path / f"roster-{n}{''.join(flags)}.xlsx"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_roster.py"), str(n), str(path), *flags],
                   check=True, capture_output=True)
    return path


def _plain(ledger, reasons) -> str:
    """The stored reasons as compact_reasons makes them from each reason's dictionary."""
    return compact_reasons([r.as_dict() for r in reasons], ledger._local_id)


def _same_reasons(tmp_path, rosters) -> int:
    ledger = Ledger(tmp_path / "l.db")
    try:
        ledger.load_texts()
        compared = 0
        for roster_file in rosters:
            roster = read_rosters([roster_file], sheet=None, all_sheets=False, encoding=None, on_date=DAY)
            for result in assess_roster(roster, resolve(None, (), DAY), DAY).results:
                assert ledger.compact_reason_list(result.reasons) == _plain(ledger, result.reasons)
                compared += 1
        return compared
    finally:
        ledger.close()


def test_reasons_kept_by_their_text_are_stored_as_each_reason_alone_on_the_examples_and_generated_rosters(tmp_path):
    rosters = [EXAMPLES / "roster.xlsx", EXAMPLES / "messy-roster.xlsx", EXAMPLES / "tiered-roster.xlsx",
               _generate(tmp_path, 3000), _generate(tmp_path, 3000, "--messy"),
               _generate(tmp_path, 3000, "--messy", "--mixed")]
    assert _same_reasons(tmp_path, rosters) > 2500


NUMBERS = st.from_regex(r"\d{1,5}(\.\d{2})?", fullmatch=True)
WORDS = st.sampled_from(["月人均收入", "元，低于标准", "元；", "渐退期至", "人", "，边缘线"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["below_standard", "marginal", "phase_out"]),
                          st.lists(st.one_of(NUMBERS, WORDS), max_size=6), st.sampled_from(["甲", "乙"])),
                max_size=4), st.lists(st.integers(0, 3), max_size=4))
def test_reasons_kept_by_their_text_hypothesis(tmp_path_factory, items, repeats):
    ledger = Ledger(tmp_path_factory.mktemp("rows") / "l.db")
    try:
        ledger.load_texts()
        reasons = [Reason(code, "".join(words), basis) for code, words, basis in items]
        for repeat in repeats:  # the same reasons again, and again among others: kept forms are reused
            reasons = reasons + reasons[:repeat]
            assert ledger.compact_reason_list(reasons) == _plain(ledger, reasons)
    finally:
        ledger.close()


def _household(ids: list[str]) -> Household:
    household = Household("H1", "r.xlsx", "名册", 2)
    for row, id_number in enumerate(ids, 2):
        member = Member("r.xlsx", "名册", row)
        member.id_number = id_number
        household.members.append(member)
    return household


def _member_events(before: list[str], now: list[str]) -> list[tuple]:
    """Member events the plain way: the sets of ID numbers then and now."""
    added, removed = set(now) - set(before), set(before) - set(now)
    return ([("member_added", f"新增成员 {len(added)} 人")] if added else []) + \
        ([("member_removed", f"减少成员 {len(removed)} 人")] if removed else [])


_RESULT = []


def _a_result():
    """A real assessment of the example roster's first household (its other events are left aside)."""
    if not _RESULT:
        roster = read_rosters([EXAMPLES / "roster.xlsx"], sheet=None, all_sheets=False, encoding=None, on_date=DAY)
        _RESULT.append(assess_roster(roster, resolve(None, (), DAY), DAY).results[0])
    return _RESULT[0]


IDS = st.lists(st.sampled_from([f"63252119800101{n:04d}" for n in range(8)]), min_size=1, max_size=6)


@settings(max_examples=300, deadline=None)
@given(IDS, IDS, st.randoms())
def test_members_compared_as_one_string_give_the_events_of_comparing_sets(before, now, random):
    if random.random() < 0.3:
        now = list(before)
        random.shuffle(now)  # the same people in another order
    result = _a_result()
    record = {"status": result.status, "total_fen": month_rows.fen(result.total), "enrolled_on": None}
    stored = SEP.join(before)  # last month's members as the ledger reads them (store.PreviousMonth.members)
    made = month_rows.events(result, record, stored, month_rows.member_list(_household(now)), None)
    assert [e for e in made if e[0].startswith("member_")] == _member_events(before, now)


LABOUR = st.sampled_from([None, "有", "部分丧失", "无", "完全丧失"])


@settings(max_examples=500, deadline=None)
@given(st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)),
       st.lists(st.tuples(st.one_of(st.none(), st.dates(dt.date(1850, 1, 1), dt.date(2100, 12, 31)),
                                    st.datetimes(dt.datetime(1850, 1, 1), dt.datetime(2100, 12, 31))), LABOUR),
                max_size=5),
       st.sampled_from([(2, 29), (2, 28), (3, 1), (12, 31), (1, 1)]))
def test_working_age_by_comparing_dates_is_can_work(day, people, near):
    """The row builder tells a household with a member able to work (can_work: 16 to 59 years old on the day)
    by comparing birth dates with two bounds; the same as counting each member's age, across leap days."""
    from dibao_cli.checks.review import can_work

    members = []
    for row, (birth, labour) in enumerate(people, 2):
        member = Member("r.xlsx", "名册", row)
        member.birth, member.labour = birth, labour
        members.append(member)
    for on in (day, *_near(day.year, *near)):
        assert month_rows.able_to_work(members, month_rows.working_age(on), on) == can_work(members, on), on
        for years in (16, 60):  # born exactly 16 and 60 years before, and a day either side
            try:
                edge = on.replace(year=on.year - years)
            except ValueError:  # 29 February: no such day that year
                edge = dt.date(on.year - years, 3, 1)
            for shift in (-1, 0, 1):
                one = Member("r.xlsx", "名册", 2)
                one.birth = edge + dt.timedelta(days=shift)
                assert month_rows.able_to_work([one], month_rows.working_age(on), on) == can_work([one], on)


def _near(year: int, month: int, day: int):
    """(year, month, day), or the 28th where it is 29 February of a common year."""
    try:
        yield dt.date(year, month, day)
    except ValueError:
        yield dt.date(year, month, 28)
