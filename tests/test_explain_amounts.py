"""`dibao explain` writes the monthly amount of its conclusion as every other amount in the text: two decimals
with thousands separators, the parts adding up to it (《最低生活保障审核确认办法》（民发〔2021〕57号）第二十三条:
差额 plus 分类施保, rounded once)."""

from conftest import DAY, EXAMPLES

COUNTY = ["--region", "632521", "--policy", str(EXAMPLES / "632521-共和县.toml")]


def test_the_conclusion_writes_a_four_figure_amount_with_its_separator(run):
    out = run("explain", EXAMPLES / "roster.xlsx", "GH031", *COUNTY, "--date", DAY)
    assert out.code == 0, out.err
    assert "  月保障金：1,222.00 元（差额 1,030.00 元，分类施保 192.00 元）\n" in out.out
    assert "月保障金 = 差额 1,030.00 + 分类施保 192.00 = 1,222.00 元" in out.out
