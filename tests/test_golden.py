"""Golden files: each shipped template rendered on the example roster must match the committed output.

After an intended change to a template, the policy or the examples, regenerate with
    DIBAO_UPDATE_GOLDEN=1 pytest tests/test_golden.py
and review the diff of tests/golden/ before committing.
"""

import os
from pathlib import Path

import pytest

from conftest import DAY, EXAMPLES

GOLDEN = Path(__file__).resolve().parent / "golden"
ROSTER = EXAMPLES / "roster.xlsx"
COUNTY = ["--region", "632521", "--phone", "0974-8512345"]


def compare(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("DIBAO_UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{name} differs from the golden file (see the module docstring to regenerate)"


@pytest.mark.parametrize("household,file", [("GH001", "GH001-审批通知书.html"), ("GH002", "GH002-不予批准告知书.html"),
                                            ("GH005", "GH005-渐退告知书.html"), ("GH004", "GH004-停保通知书.html"),
                                            ("GH007", "GH007-变更通知书.html")])
def test_notice_html(run, tmp_path, household, file):
    out = run("notice", ROSTER, *COUNTY, "--household", household, "-o", tmp_path / "out", "--date", DAY,
              "--db", tmp_path / "l.db")
    assert out.code == 0, out.err
    compare(f"notice-{household}.html", (tmp_path / "out" / file).read_text(encoding="utf-8"))


def test_publicity_html(run, tmp_path):
    assert run("publicity", ROSTER, *COUNTY, "--from", "2026-12-01", "--date", DAY, "-o", tmp_path / "p.html").code == 0
    compare("publicity.html", (tmp_path / "p.html").read_text(encoding="utf-8"))


def test_monthly_report_html(run, tmp_path):
    out = run("report", "monthly", ROSTER, "--region", "632521", "--date", DAY, "--filled-on", DAY, "--filled-by", "张三",
              "-o", tmp_path / "m.html")
    assert out.code == 0, out.err
    compare("monthly-report.html", (tmp_path / "m.html").read_text(encoding="utf-8"))


def test_explain_text(run):
    out = run("explain", ROSTER, "GH007", "--date", DAY)
    assert out.code == 0
    compare("explain-GH007.txt", out.out)
