"""Casework in the county's paperwork: the monthly report's signal counts, the visit sheet in Word, and the
written notice of a county decision. Real files, the real CLI, exact figures."""

from __future__ import annotations

import re

from conftest import person, write_xlsx


def family(hid, township, seq):
    """A grandmother who cannot work and a grandchild: the monitor raises three signals for it."""
    return [person(hid, "奶奶" + hid, "1950-01-01", seq=seq, 乡镇=township, 劳动能力="完全丧失", 当前保障类别="低保",
                   上次核查日期="2026-06-01"),
            person(hid, "孙子" + hid, "2015-05-05", "孙子", seq=seq + 2, 乡镇=township)]


def decide_refusal(run, app_id, day="2026-11-24", extra=()):
    for args in (("启动调查", "--date", "2026-11-12"), ("入户调查", "--date", "2026-11-13", "--by", "王芳,李强"),
                 ("信息核对", "--date", "2026-11-16"), ("乡镇审核意见", "--date", "2026-11-17")):
        out = run("step", app_id, *args)
        assert out.code == 0, out.err
    return run("step", app_id, "县级审批", "--date", day, "--result", "不予批准", *extra)


# ---------------------------------------------------------------- 1. the monthly report's casework counts
def test_monthly_report_counts_signals_raised_visited_closed_and_overdue(run, tmp_path):
    from openpyxl import load_workbook

    rows = family("H1", "恰卜恰镇", 11) + family("H2", "倒淌河镇", 21) + family("H3", "倒淌河镇", 31)
    roster = write_xlsx(tmp_path / "r.xlsx", rows)
    only_h1 = write_xlsx(tmp_path / "h1.xlsx", family("H1", "恰卜恰镇", 11))
    assert run("import", roster, "--month", "2026-11", "--date", "2026-11-30").code == 0
    # October: H1's three signals are raised (they count in October, not November)
    assert run("monitor", only_h1, "--date", "2026-10-25").code == 1
    out = run("monitor", roster, "--date", "2026-11-10", "--format", "json")
    assert out.json()["notes"][-1] == "信号已登记到台账：新发现 6 条，此前登记尚未核实 3 条（编号见 dibao visits due）。"
    # H1 is visited in November: its three signals are closed by the visit
    assert run("visit", "H1", "--date", "2026-11-20", "--by", "王芳", "--kind", "信号核实").code == 0
    # H2 applies and is refused by the county: the decision closes its three signals (no visit)
    assert run("apply", "H2", "--applicant", "奶奶H2", "--accepted", "2026-11-11", "--township", "倒淌河镇").code == 0
    assert decide_refusal(run, 1).code == 0
    # H3's three signals stay open: raised 11-10, follow-up within 15 days (11-25), overdue on 11-30

    out = run("report", "monthly", "--month", "2026-11", "--region", "632521", "-o", tmp_path / "m.xlsx")
    assert out.code == 0, out.err
    ws = load_workbook(tmp_path / "m.xlsx")["信号核实"]
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    assert values[0] == ["监测和比对信号核实情况（2026年11月1日至2026年11月30日）", None, None, None, None]
    assert values[1][0] == "注：逾期未核实：登记后 15 日内未走访核实、到 2026年11月30日 仍未关闭的信号。"
    assert values[2] == ["乡镇", "本月发现信号(条)", "本月走访核实(条)", "本月关闭(条)", "逾期未核实(条)"]
    assert values[3:] == [["倒淌河镇", 6, 0, 3, 3], ["恰卜恰镇", 0, 3, 3, 0], ["合计", 6, 3, 6, 3]]

    out = run("report", "monthly", "--month", "2026-11", "--region", "632521", "-o", tmp_path / "m.html")
    assert out.code == 0, out.err
    html = (tmp_path / "m.html").read_text(encoding="utf-8")
    section = html[html.index('<section class="casework">'):]
    assert "<h2 style=\"font-size: 14px; margin: 12px 0 4px;\">监测和比对信号核实情况（2026年11月1日至2026年11月30日）</h2>" in section
    body = section[section.index("<tbody>"):section.index("</tbody>")]
    cells = [re.findall(r"<td>([^<]*)</td>", tr) for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", body)]
    assert cells == [["倒淌河镇", "6", "0", "3", "3"], ["恰卜恰镇", "0", "3", "3", "0"], ["合计", "6", "3", "6", "3"]]

    # December: nothing raised or closed; H3's three signals are still open and overdue
    assert run("import", roster, "--month", "2026-12", "--date", "2026-12-31").code == 0
    assert run("report", "monthly", "--month", "2026-12", "--region", "632521", "-o", tmp_path / "d.xlsx").code == 0
    values = [list(r) for r in load_workbook(tmp_path / "d.xlsx")["信号核实"].iter_rows(min_row=4, values_only=True)]
    assert values == [["倒淌河镇", 0, 0, 0, 3], ["合计", 0, 0, 0, 3]]
