"""Output files and screens: permissions, a full disk, workbooks fit to read and print, tables that never
break a value, bounded screens."""

import os
import re
import resource
import signal
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from conftest import DAY, EXAMPLES, person, write_xlsx

ROSTER = EXAMPLES / "roster.xlsx"


@pytest.mark.parametrize("umask,mode", [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_output_files_get_the_usual_permissions(run, tmp_path, umask, mode):
    """Not 0600 (which other staff cannot open on a shared folder): 0666 less the umask, like any program."""
    old = os.umask(umask)
    try:
        assert run("assess", ROSTER, "--date", DAY, "-o", tmp_path / "a.xlsx").code == 0
        assert run("assess", ROSTER, "--date", DAY, "-o", tmp_path / "a.csv").code == 0
        assert run("publicity", ROSTER, "--region", "632521", "--date", DAY, "-o", tmp_path / "p.html").code == 0
    finally:
        os.umask(old)
    for name in ("a.xlsx", "a.csv", "p.html"):
        assert (tmp_path / name).stat().st_mode & 0o777 == mode, name


def _limited(limit):
    def apply():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write then fails with EFBIG, as on a full disk
    return apply


def dibao_with_file_limit(tmp_path, limit, *args, stdout=subprocess.PIPE):
    scratch = tmp_path / "scratch"
    scratch.mkdir(exist_ok=True)
    env = dict(os.environ, TMPDIR=str(scratch), PYTHONDONTWRITEBYTECODE="1")
    result = subprocess.run([sys.executable, "-m", "dibao_cli", *map(str, args)], cwd=tmp_path, env=env,
                            stdout=stdout, stderr=subprocess.PIPE, preexec_fn=_limited(limit), timeout=120)
    return result, scratch


@pytest.mark.parametrize("name,extra,limit", [("结果.xlsx", (), 6000), ("结果.csv", (), 3000), ("结果.json", (), 3000)])
def test_a_full_disk_is_a_clear_message_and_leaves_nothing_behind(tmp_path, name, extra, limit):
    """The file-size limit makes every write past `limit` bytes fail as a full disk does (EFBIG instead of
    ENOSPC); dibao says 磁盘已满 and the path, exits 5, and leaves neither the file nor a temporary one."""
    out = tmp_path / "out"
    out.mkdir()
    result, scratch = dibao_with_file_limit(tmp_path, limit, "assess", ROSTER, "--date", DAY, "-o", out / name, *extra)
    err = result.stderr.decode()
    assert result.returncode == 5, err
    assert err.startswith("错误：磁盘已满，无法写入") and str(out / name) in err and "Traceback" not in err
    assert list(out.iterdir()) == [] and list(scratch.iterdir()) == []


def test_a_full_disk_behind_a_redirection_and_for_publicity(tmp_path):
    with open(tmp_path / "重定向.csv", "wb") as fh:
        result, _ = dibao_with_file_limit(tmp_path, 2000, "assess", ROSTER, "--date", DAY, "--format", "csv", stdout=fh)
    err = result.stderr.decode()
    assert result.returncode == 5 and err.startswith("错误：磁盘已满") and "Traceback" not in err
    result, _ = dibao_with_file_limit(tmp_path, 2000, "publicity", ROSTER, "--region", "632521", "--date", DAY,
                                      "-o", tmp_path / "公示.html")
    assert result.returncode == 5 and "磁盘已满" in result.stderr.decode()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scratch", "重定向.csv"]
    # templates copy: the templates that fit are whole, the one that did not is not there at all
    result, _ = dibao_with_file_limit(tmp_path, 8192, "templates", "copy", tmp_path / "模板")
    assert result.returncode == 5 and "磁盘已满" in result.stderr.decode()
    from dibao_cli.documents.templating import shipped_templates

    copied = list((tmp_path / "模板").iterdir())
    assert copied and all(p.read_bytes() == (shipped_templates() / p.name).read_bytes() for p in copied)
    assert len(copied) < len([p for p in shipped_templates().iterdir() if p.suffix in (".j2", ".docx")])


def long_numbers_roster(path):
    rows = [person("6325211010001", "马建国", "1950-01-01", 工资性收入=1234.5),
            person("6325211010001", "马小花", "2015-03-01", "孙女", seq=12),
            person("6325211010002", "李四", "1951-01-01", seq=13, **{"村(社区)": "东巴村"})]
    return write_xlsx(path, rows)


def test_workbooks_fit_their_content_and_print_on_landscape_a4(run, tmp_path):
    roster = long_numbers_roster(tmp_path / "名册.xlsx")
    assert run("assess", roster, "--date", DAY, "-o", tmp_path / "a.xlsx").code == 0
    book = load_workbook(tmp_path / "a.xlsx")
    for ws in book.worksheets:
        setup = ws.page_setup
        # fitToWidth is absent when it is 1, the schema's default (openpyxl reads None)
        assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == ("landscape", 9, None, 0)
        assert ws.sheet_properties.pageSetUpPr.fitToPage
    households, members = book["户明细"], book["成员明细"]
    assert households.freeze_panes == "A2" and households.print_title_rows == "$1:$1"
    assert households.auto_filter.ref == "A1:W3"
    assert households["A2"].value == "6325211010001" and households.column_dimensions["A"].width >= 14
    assert members["C2"].value == "632521195001010114" and members.column_dimensions["C"].width >= 19
    income, benefit = households["I2"], households["S2"]  # 计入收入(元/年), 月保障金: numeric, two decimals
    assert income.value == 1234.5 and income.number_format == "#,##0.00"
    assert benefit.data_type == "n" and benefit.number_format == "#,##0.00"
    reasons = households["V2"]
    assert reasons.alignment.wrap_text and int(households.column_dimensions["V"].width) == 36


def test_monitor_and_review_sheets_fit_signals_and_repeat_the_header(run, tmp_path):
    assert run("monitor", ROSTER, "--date", DAY, "-o", tmp_path / "m.xlsx").code == 1
    ws = load_workbook(tmp_path / "m.xlsx").worksheets[0]
    assert ws["A1"].value.endswith("走访重点") and ws.print_title_rows == "$2:$2" and ws.freeze_panes == "A3"
    from dibao_cli.reports.files import display_width

    longest = max(display_width(c.value) for c in ws["F"][2:])
    assert ws.column_dimensions["F"].width >= longest + 2


def test_publicity_xlsx_has_the_htmls_signature_and_borders(run, tmp_path):
    out = run("publicity", ROSTER, "--region", "632521", "--from", "2026-12-01", "--date", DAY, "--phone",
              "0974-8512345", "-o", tmp_path / "p.xlsx")
    assert out.code == 0, out.err
    ws = load_workbook(tmp_path / "p.xlsx")["恰卜恰镇西台村"]
    assert ws["A1"].value == "恰卜恰镇西台村最低生活保障对象公示" and "A1:F1" in {str(r) for r in ws.merged_cells.ranges}
    assert [c.value for c in ws[2]] == ["序号", "户主（保障对象）姓名", "保障人数", "月保障金(元)", "类别", "备注"]
    last = max(r for r in range(3, ws.max_row + 1) if ws.cell(r, 1).value is not None and isinstance(ws.cell(r, 1).value, int))
    for row in ws.iter_rows(min_row=2, max_row=last):
        for cell in row:
            assert cell.border.left.style == "thin" and cell.border.bottom.style == "thin", cell.coordinate
    texts = [ws.cell(r, 1).value for r in range(last + 1, ws.max_row + 1) if ws.cell(r, 1).value]
    assert texts == ["公示期：2026年12月1日至2026年12月7日（7天）。对公示对象有异议的，请在公示期内向乡镇人民政府或共和县民政局反映，"
                     "举报电话：0974-8512345。", "恰卜恰镇人民政府\n2026年11月30日"]
    assert ws.cell(ws.max_row, 1).alignment.horizontal == "right"
    assert ws.page_setup.orientation == "portrait" and ws.print_options.horizontalCentered


def test_piped_tables_never_break_a_value(run, monkeypatch):
    """At 80 columns a redirected table used to print `1222.0⏎0` and `2026-⏎11`."""
    monkeypatch.setenv("COLUMNS", "80")
    data = run("assess", ROSTER, "--date", DAY, "--format", "json").json()
    out = run("assess", ROSTER, "--date", DAY)
    lines = {line.split("│")[1].strip(): line for line in out.out.splitlines() if line.startswith("│ GH")}
    assert len(lines) == len(data["households"]) == 32
    for h in data["households"]:
        line = lines[h["household_id"]]
        assert h["per_capita_monthly_income"] in line and h["monthly_benefit"]["total"] in line
    review = run("review", ROSTER, "--as-of", "2026-12-31")
    due = [line for line in review.out.splitlines() if line.startswith("│ ")]
    assert due and all(re.search(r"│ 20\d\d-\d\d-\d\d *│", line) for line in due)


def many_due(path, count):
    """`count` one-person households, covered and last checked in 2020: each is due for a periodic review and
    is a 特困 candidate for monitor. A third are in 倒淌河镇."""
    import datetime as dt

    from conftest import pid

    old = {"上次核查日期": "2020-01-01", "当前保障类别": "低保", "纳入日期": "2019-01-01"}
    rows = []
    for i in range(count):
        birth = (dt.date(1950, 1, 1) + dt.timedelta(days=i)).isoformat()
        row = dict(person(f"R{i:04d}", f"户主{i}", birth, **old), 乡镇="恰卜恰镇" if i % 3 else "倒淌河镇")
        row["身份证号"] = pid(birth)
        rows.append(row)
    return write_xlsx(path, rows)


def test_long_tables_show_a_township_summary_and_the_first_rows(run, tmp_path):
    roster = many_due(tmp_path / "名册.xlsx", 301)
    out = run("review", roster, "--as-of", DAY)
    assert out.code == 1, out.out
    shown = [line for line in out.out.splitlines() if re.match(r"│ \S+ +│ 西台村", line)]
    assert len(shown) == 100
    assert "按乡镇汇总" in out.out and re.search(r"│ 倒淌河镇 +│ +101 │ +101 │", out.out)
    assert re.search(r"│ 恰卜恰镇 +│ +200 │ +200 │", out.out)
    assert "共 301 项，屏幕上只显示了前 100 项。完整清单请写到文件：-o 核查清单.xlsx，或 --format csv -o 核查清单.csv；加 --all" in out.out
    everything = run("review", roster, "--as-of", DAY, "--all")
    assert len([line for line in everything.out.splitlines() if re.match(r"│ \S+ +│ 西台村", line)]) == 301
    assert "按乡镇汇总" not in everything.out

    signals = run("monitor", roster, "--date", DAY)
    assert "按乡镇汇总" in signals.out and "屏幕上只显示了前 100 条" in signals.out
    assert len([line for line in signals.out.splitlines() if line.startswith("│ R")]) == 100
    assessed = run("assess", roster, "--date", DAY)
    assert "共 301 户，屏幕上只显示了前 200 户" in assessed.out
    assert len([line for line in assessed.out.splitlines() if line.startswith("│ R")]) == 200
    assert len([line for line in run("assess", roster, "--date", DAY, "--all").out.splitlines()
                if line.startswith("│ R")]) == 301

    import datetime as dt

    from conftest import pid

    deaths = [{"姓名": f"户主{i}", "身份证号": pid((dt.date(1950, 1, 1) + dt.timedelta(days=i)).isoformat()),
               "火化日期": "2026-06-15"} for i in range(301)]
    extract = write_xlsx(tmp_path / "殡葬.xlsx", deaths, header=["姓名", "身份证号", "火化日期"])
    found = run("crosscheck", roster, "--against", extract, "--kind", "殡葬", "--date", DAY)
    assert found.code == 1
    assert len([line for line in found.out.splitlines() if line.startswith("│ 西台村")]) == 100
    assert re.search(r"│ 倒淌河镇 +│ +101 │ +101 │", found.out) and "共 301 条，屏幕上只显示了前 100 条" in found.out
    assert "按身份证号" in found.out


def test_workbook_cells_numbers_stay_numbers_and_text_stays_text(tmp_path):
    from decimal import Decimal

    from dibao_cli.reports.files import MONEY_FORMAT, SheetSpec, write_xlsx

    write_xlsx(tmp_path / "w.xlsx", [SheetSpec("西台村[一组]", ["户\x07编号", "金额"],
                                            [["=1+1", Decimal("12.50")], ["0012", 12345678.5]],
                                            formats={1: MONEY_FORMAT}, title="标题\x00", widths={1: 8})], False)
    ws = load_workbook(tmp_path / "w.xlsx")["西台村_一组_"]
    assert ws["A1"].value == "西台村[一组]　标题"  # the full name, since the sheet name had to change
    assert [c.value for c in ws[2]] == ["户编号", "金额"]
    assert (ws["A3"].value, ws["A3"].data_type) == ("=1+1", "s") and (ws["A4"].value, ws["A4"].data_type) == ("0012", "s")
    assert (ws["B3"].value, ws["B3"].data_type, ws["B3"].number_format) == (12.5, "n", MONEY_FORMAT)
    # a number is never narrower than its text ("12,345,678.50"), whatever width the caller asked for
    assert int(ws.column_dimensions["B"].width) == len("12,345,678.50") + 2
