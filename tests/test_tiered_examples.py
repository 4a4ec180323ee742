"""The tiered-assistance examples end to end: examples/tiered-roster.xlsx through `dibao assess` with the
county policy, and examples/临时救助申请.xlsx through `dibao assistance import` and `list`."""

import subprocess
import sys

from openpyxl import load_workbook

from conftest import DAY, EXAMPLES, household

COUNTY = ["--region", "632521", "--policy", EXAMPLES / "632521-共和县.toml"]


def test_example_roster_exercises_each_programme(run):
    out = run("assess", EXAMPLES / "tiered-roster.xlsx", *COUNTY, "--date", DAY, "--format", "json")
    assert out.code == 0, out.err
    data = out.json()
    got = {h["household_id"]: (h["status"], h["programmes"], h["monthly_benefit"]["total"]) for h in data["households"]}
    assert got == {
        "TK01": ("dibao", ["低保", "特困供养"], "493.00"),
        "TK02": ("tekun", ["特困供养"], "0.00"),
        "TK03": ("tekun", ["特困供养"], "0.00"),
        "TK04": ("marginal", ["低保边缘"], "0.00"),
        "TK05": ("tekun", ["特困供养"], "0.00"),
        "RG01": ("rigid", ["刚性支出困难家庭"], "0.00"),
        "RG02": ("single_person", ["低保", "刚性支出困难家庭"], "400.00"),
        "RG03": ("rigid", ["刚性支出困难家庭"], "0.00"),
    }
    support = {h["household_id"]: [(t["name"], t["outcome"], t["monthly"] and t["monthly"]["total"]) for t in h["tekun"]]
               for h in data["households"] if h["tekun"]}
    assert support == {"TK01": [("马福寿", "supported", "1470.00")], "TK02": [("韩桂英", "supported", "1810.00")],
                       "TK03": [("李长海", "supported", "1300.00")], "TK04": [("周玉珍", "ended", None)],
                       "TK05": [("杨小军", "supported", "960.00")]}
    assert household(data, "TK02")["flags"][0]["code"] == "transfer_to_tekun"
    assert household(data, "RG03")["flags"][0]["code"] == "rigid_renewed"
    assert data["programmes"]["tekun"]["by_mode"] == {"分散供养": {"persons": 3, "monthly_support": "3730.00"},
                                                      "集中供养": {"persons": 1, "monthly_support": "1810.00"}}


def test_example_assistance_sheet_imports_cleanly(run, tmp_path):
    db = tmp_path / "l.db"
    out = run("assistance", "import", EXAMPLES / "临时救助申请.xlsx", "--db", db, "--format", "json")
    assert out.code == 0, out.err
    assert out.json()["counts"] == {"applications": 5, "decisions": 4, "payments": 2, "skipped": 0, "errors": 0}
    listed = run("assistance", "list", "--db", db, "--format", "json").json()
    assert listed["totals"]["合计"] == {"cases": 3, "persons": 7, "amount": "7000.00"}
    assert [c["status"] for c in listed["cases"]] == ["approved", "refused", "approved", "approved", "open"]


def test_examples_are_what_the_script_makes(tmp_path):
    """The committed files match examples/make_tiered.py (cell by cell)."""
    script = (EXAMPLES / "make_tiered.py").read_text(encoding="utf-8").replace(
        'HERE = Path(__file__).resolve().parent\n', f'HERE = Path({str(tmp_path)!r})\n')
    (tmp_path / "make.py").write_text(script.replace("Path(__file__).resolve().parent.parent", repr(str(EXAMPLES.parent))),
                                      encoding="utf-8")
    subprocess.run([sys.executable, str(tmp_path / "make.py")], check=True, capture_output=True)
    for name in ("tiered-roster.xlsx", "临时救助申请.xlsx"):
        mine = [list(r) for r in load_workbook(tmp_path / name).active.iter_rows(values_only=True)]
        committed = [list(r) for r in load_workbook(EXAMPLES / name).active.iter_rows(values_only=True)]
        assert mine == committed, name
