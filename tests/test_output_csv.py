"""`dibao assess --format csv` streams its rows (each household assessed, written and dropped) and gives
the bytes the whole list of results gives."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dibao_cli.reports.files import csv_bytes, csv_chunks

ROOT = Path(__file__).resolve().parent.parent
DAY = "2026-11-30"


def _whole_list_csv(roster: Path) -> bytes:
    from dibao_cli.assess.household import assess_roster
    from dibao_cli.policy import PolicyAt, load_policy
    from dibao_cli.reading.roster import read_rosters
    from dibao_cli.reports import assess_sheets

    day = dt.date.fromisoformat(DAY)
    assessment = assess_roster(read_rosters([roster], on_date=day), PolicyAt(load_policy(), day), day)
    assert assessment.results
    return assess_sheets.as_csv(assessment)


@pytest.mark.parametrize(("flags", "exit_code"), [((), 0), (("--messy", "--mixed"), 1)], ids=["clean", "mixed"])
def test_streamed_csv_is_the_csv_of_the_whole_results(tmp_path, run, flags, exit_code):
    roster = tmp_path / "roster.xlsx"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_roster.py"), "5000", str(roster), *flags],
                   check=True)
    out = tmp_path / "out.csv"
    result = run("assess", roster, "--date", DAY, "--format", "csv", "-o", out)
    assert result.code == exit_code, result.err
    expected = _whole_list_csv(roster)
    assert out.read_bytes() == expected
    assert expected.count(b"\r\n") > 1000
    piped = run("assess", roster, "--date", DAY, "--format", "csv")
    assert piped.result.stdout_bytes == expected


cells = st.one_of(st.none(), st.integers(), st.text(max_size=12), st.sampled_from(["=1+1", "-3", "0123", "6325" * 5]))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(cells, max_size=4), max_size=40), st.integers(min_value=1, max_value=7))
def test_csv_pieces_join_to_the_whole(rows, size):
    """The pieces, however many rows each, join to the document written in one go."""
    import csv
    import io

    from dibao_cli.reports.files import csv_cell

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_cell(h) for h in ["户编号", "理由"]])
    writer.writerows([csv_cell(v) for v in row] for row in rows)
    whole = ("\ufeff" + buffer.getvalue()).encode("utf-8")
    assert b"".join(csv_chunks(["户编号", "理由"], rows, size=size)) == whole
    assert csv_bytes(["户编号", "理由"], rows) == whole
