"""Notices issued from a ledger month read as the same notices issued from the roster: the standard on a
refusal for property, the members covered as 单人户, and the rounding named as such
(《最低生活保障审核确认办法》（民发〔2021〕57号）; the amount rounded once: 第二十三条, as the policy file cites it)."""

import html
import re

import pytest

from conftest import DAY, EXAMPLES

COUNTY = ["--region", "632521", "--policy", str(EXAMPLES / "632521-共和县.toml")]


def text_of(path) -> str:
    page = re.sub(r"<style.*?</style>", "", path.read_text(encoding="utf-8"), flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


@pytest.fixture
def from_ledger(run, tmp_path):
    """The example roster imported as 2026-10 (every household new), its notices issued from the ledger."""
    db = tmp_path / "台账.db"
    out = run("import", EXAMPLES / "roster.xlsx", "--month", "2026-10", *COUNTY, "--db", db)
    assert out.code == 0, out.out + out.err
    out = run("notice", "--month", "2026-10", *COUNTY, "--date", DAY, "--db", db, "-o", tmp_path / "通知书")
    assert out.code == 0, out.out + out.err
    return tmp_path / "通知书"


def test_a_refusal_for_property_shows_the_standard_in_force(from_ledger):
    """民发〔2021〕57号: a refusal states the facts it rests on; a household refused for its deposits has no income reason to read
    the standard from, so it comes from the policy (农村 4800 元/年 = 400.00 元/人·月)."""
    text = text_of(from_ledger / "GH002-不予批准告知书.html")
    assert "当地农村低保标准 400.00 元/人·月" in text
    assert " 元/人·月" not in text.replace("400.00 元/人·月", "")


def test_an_approval_names_the_members_covered_as_single_person_households(from_ledger):
    """单人户 (民发〔2021〕57号, the single-person rule the notice cites): the approval says who is covered, as the roster-built notice does."""
    text = text_of(from_ledger / "GH006-审批通知书.html")
    assert "决定给予你户最低生活保障（按单人户纳入：周明，月保障金 460.00 元），保障人数 1 人" in text
    text = text_of(from_ledger / "GH025-审批通知书.html")
    assert "决定给予你户最低生活保障（按单人户纳入：祁文，月保障金 400.00 元），保障人数 1 人" in text


def test_the_rounding_is_called_rounding_when_no_minimum_top_up_is_in_it(from_ledger):
    """第二十三条: rounded once; 差额 208.33 + 分类施保 120.00 - 0.33 = 328.00, no 保底 involved (the county
    minimum is 30 元)."""
    text = text_of(from_ledger / "GH023-审批通知书.html")
    assert "328.00 元（差额 208.33 元，分类施保 120.00 元，取整 -0.33 元）" in text
    assert "保底" not in text
