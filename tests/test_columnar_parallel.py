"""A large sheet is loaded by columns in a child process while this process scans its XML. The scan still
decides: an error cell, a formula saved without its result or a merged range far down the sheet (past row
100,000, several scan segments after the load started) hands the sheet to the row reader with the same check
output; Ctrl-C during the load exits 130 with the Chinese line and leaves no child behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import pid
from dibao_cli.cli import main
from dibao_cli.reading import columnar

DAY = "2026-11-30"
ROWS = 100_010
HEADER = ["户编号", "姓名", "身份证号", "与户主关系", "城乡类别"]
SURNAMES = "王李张刘陈杨赵黄周吴"


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _row(r: int, cells: list[str]) -> str:
    return f'<row r="{r}">{"".join(_cell(f"{chr(65 + c)}{r}", v) for c, v in enumerate(cells) if v is not None)}</row>'


def write_roster(path: Path, special: dict[int, str] | None = None, merges: list[str] = ()) -> Path:
    """A roster of ROWS members (two a household) written straight as XML (inline strings; written by xlsxwriter
    it would take longer than reading it). `special` replaces a row's household-number cell with raw XML."""
    special = special or {}
    rows = [_row(1, HEADER)]
    for n in range(ROWS):
        r = n + 2
        household = n // 2
        cells = [f"H{household:06d}", SURNAMES[n % 10] + "建国" if n % 2 == 0 else SURNAMES[n % 10] + "秀英",
                 pid(f"19{40 + n % 60:02d}-0{1 + n % 9}-{10 + n % 19}", 11 + 2 * (n // 3420)),
                 "户主" if n % 2 == 0 else "配偶", "农村"]
        row = _row(r, cells)
        if r in special:
            row = row.replace(_cell(f"A{r}", cells[0]), special[r])
        rows.append(row)
    merged = "".join(f'<mergeCell ref="{m}"/>' for m in merges)
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f'<dimension ref="A1:E{ROWS + 1}"/><sheetData>{"".join(rows)}</sheetData>'
             + (f'<mergeCells count="{len(merges)}">{merged}</mergeCells>' if merges else "") + "</worksheet>")
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="名册" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>'),
        "xl/worksheets/sheet1.xml": sheet,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, text in parts.items():
            zf.writestr(name, text.encode("utf-8"))
    return path


def _check(path: Path, reader: str | None, monkeypatch) -> tuple[int, str, int]:
    """(exit status, output of `check`, child processes started) with one reader (None: as dibao chooses)."""
    started = []
    original = columnar.ParallelLoad.__init__

    def counting(self, *args, **kwargs):
        started.append(args)
        original(self, *args, **kwargs)

    if reader is None:
        monkeypatch.delenv("DIBAO_READER", raising=False)
    else:
        monkeypatch.setenv("DIBAO_READER", reader)
    monkeypatch.setenv("COLUMNS", "250")
    monkeypatch.setattr(columnar.ParallelLoad, "__init__", counting)
    result = CliRunner().invoke(main, ["check", str(path), "--date", DAY])
    return result.exit_code, result.output, len(started)


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> Path:
    return write_roster(tmp_path_factory.mktemp("parallel") / "clean.xlsx")


def test_a_large_clean_sheet_is_loaded_while_scanned_with_the_same_output(clean, monkeypatch):
    with zipfile.ZipFile(clean) as zf:
        assert zf.getinfo("xl/worksheets/sheet1.xml").file_size >= columnar.PARALLEL_FROM_BYTES
    rows = _check(clean, "rows", monkeypatch)
    by_columns = _check(clean, "columnar", monkeypatch)
    chosen = _check(clean, None, monkeypatch)  # a sheet this large is read by columns unless told otherwise
    assert by_columns[2] == 1 and rows[2] == 0 and chosen[2] == 1
    assert rows[:2] == by_columns[:2] == chosen[:2]
    assert rows[0] == 0 and "50005 户，100010 人" in rows[1] and "没有发现问题" in rows[1]


@pytest.mark.parametrize("kind", ["error", "uncached", "merged"])
def test_a_cell_past_row_100000_that_columns_cannot_hold_hands_the_sheet_to_the_row_reader(tmp_path, monkeypatch,
                                                                                          kind):
    r = 100_005
    if kind == "error":
        path = write_roster(tmp_path / "error.xlsx", {r: f'<c r="A{r}" t="e"><v>#REF!</v></c>'})
        needle = "#REF!"
    elif kind == "uncached":
        path = write_roster(tmp_path / "uncached.xlsx", {r: f'<c r="A{r}"><f>B{r}&amp;"x"</f></c>'})
        needle = "没有保存公式的计算结果"
    else:  # the second member's household number left blank under a merged range, as clerks merge them
        head = r - 1  # a household's first row (rows 2, 4, ... are heads)
        path = write_roster(tmp_path / "merged.xlsx", {head + 1: ""}, merges=[f"A{head}:A{head + 1}"])
        needle = None
    rows = _check(path, "rows", monkeypatch)
    by_columns = _check(path, "columnar", monkeypatch)
    assert by_columns[2] == 1  # the load started before the scan found the cell
    assert rows[:2] == by_columns[:2]
    if needle is None:
        assert rows[0] == 0 and "户编号为空" not in rows[1]
    else:
        assert rows[0] == 1 and needle in rows[1] and f"│ {r} │ 户编号 │" in rows[1]
        assert "发现 1 个错误、0 个警告" in rows[1]


def _children(pid_: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid_}/task/{pid_}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


@pytest.mark.skipif(not hasattr(os, "memfd_create") or not Path("/proc/self/task").exists(), reason="Linux only")
def test_ctrl_c_while_the_child_loads_exits_130_and_leaves_no_child(clean, tmp_path):
    # Ctrl-C as a terminal delivers it, even when the tests run where SIGINT is ignored (a background job)
    proc = subprocess.Popen([sys.executable, "-m", "dibao_cli", "check", str(clean), "--date", DAY], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    child = None
    try:
        deadline = time.monotonic() + 60
        while child is None and time.monotonic() < deadline and proc.poll() is None:
            found = _children(proc.pid)
            child = found[0] if found else None
            time.sleep(0.002)
        assert child is not None, "the loader's child process never appeared"
        # the load held where it is, so that the command cannot end before Ctrl-C reaches it on a busy machine
        os.kill(child, signal.SIGSTOP)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130
    assert err.decode().strip() == "已中止（Ctrl-C）：没有写完的文件不会留下，台账保持本次操作之前的样子。"
    status = Path(f"/proc/{child}/status")
    assert not status.exists() or "State:\tZ" not in status.read_text()
    assert not status.exists() or f"PPid:\t{proc.pid}" not in status.read_text()
