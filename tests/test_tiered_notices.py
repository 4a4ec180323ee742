"""Notices of the tiered programmes, rendered from the shipped template and checked by parsing the HTML."""

import re

from conftest import DAY, EXAMPLES

COUNTY = ["--region", "632521", "--policy", EXAMPLES / "632521-共和县.toml"]


def sections(path):
    text = path.read_text(encoding="utf-8")
    return [(kind, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))
            for kind, body in re.findall(r'<section class="notice" data-household="[^"]*" data-kind="([^"]+)">(.*?)</section>',
                                         text, re.S)]


def test_tekun_and_rigid_notices_from_the_example_roster(run, tmp_path):
    out = run("assistance", "notice", EXAMPLES / "tiered-roster.xlsx", *COUNTY, "--date", DAY, "-o", tmp_path / "n.html",
              "--db", tmp_path / "l.db")
    assert out.code == 0, out.err
    found = sections(tmp_path / "n.html")
    assert [k for k, _ in found] == ["tekun-approval", "tekun-approval", "tekun-termination", "tekun-approval",
                                     "rigid-recognition", "rigid-recognition", "rigid-recognition"]
    approval = found[0][1]
    assert "共和民救〔2026〕1号" in approval and "每月供养金 1,470.00 元，发给本人" in approval
    assert "民发〔2021〕43号" in approval and "行政复议" not in approval
    termination = found[2][1]
    assert "周玉珍已不符合特困人员救助供养条件" in termination and "60 日内向共和县人民政府申请行政复议" in termination
    assert "认定有效期 2026年11月30日 至 2027年11月29日" in found[4][1]
    # the 低保 notice of a household moving to 特困 is not a 停保 notice
    out = run("notice", EXAMPLES / "tiered-roster.xlsx", *COUNTY, "--household", "TK02", "--date", DAY,
              "-o", tmp_path / "dibao", "--db", tmp_path / "l.db")
    assert out.code == 0 and "没有需要出具的通知书" in out.out
    assert not (tmp_path / "dibao").exists() or list((tmp_path / "dibao").iterdir()) == []


def test_temporary_assistance_notices_from_the_register(run, tmp_path):
    db = tmp_path / "l.db"
    assert run("assistance", "import", EXAMPLES / "临时救助申请.xlsx", "--db", db).code == 0
    out = run("assistance", "notice", "--case", "2", "--case", "3", "--region", "632521", "--date", DAY,
              "-o", tmp_path / "t.html", "--db", db)
    assert out.code == 0, out.err
    (kind1, approval), (kind2, refusal) = sections(tmp_path / "t.html")
    assert (kind1, kind2) == ("temporary-approval", "temporary-refusal")
    assert "急难型救助，先行发放，不等待公示" in approval and "救助金额 600.00 元" in approval
    assert "乡镇先行救助" in approval and "国发〔2014〕47号" in approval
    assert "已按单人保纳入低保" in refusal and "行政复议" in refusal
    assert run("assistance", "notice", "--case", "5", "--region", "632521", "-o", tmp_path / "x.html",
               "--db", db).code == 2  # not decided yet
    assert run("assistance", "notice", "--case", "9", "--region", "632521", "-o", tmp_path / "x.html",
               "--db", db).code == 6
    assert run("assistance", "notice", "--case", "2", "--region", "632521", "-o", tmp_path / "t.html",
               "--db", db).code == 5  # exists, no --force
