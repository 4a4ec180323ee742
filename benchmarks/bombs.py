"""Build hostile input files (zip bombs, huge sparse sheets, endless CSV lines) and measure how long
`dibao check` takes on each and how much memory it peaks at.

    python benchmarks/bombs.py                 # build into benchmarks/out/bombs/ and measure this checkout
    python benchmarks/bombs.py --code DIR      # measure another checkout of dibao (its folder on PYTHONPATH)
    python benchmarks/bombs.py --only csv-long-line

Each run is a separate process with its address space capped (--cap-gb, default 4) and a timeout
(--timeout, default 120 s), so a version of dibao that does not refuse a bomb is stopped instead of
exhausting the machine; such a run is reported as killed, with the time and memory it had reached.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out" / "bombs"
MB = 1024 * 1024

CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                 b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                 b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
                 b'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                 b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
                 b'officedocument.spreadsheetml.worksheet+xml"/></Types>')
RELS = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        b'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
            b'2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            b'<sheet name="\xe5\x90\x8d\xe5\x86\x8c" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
                 b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
                 b'2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
SHEET_START = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
               b'spreadsheetml/2006/main"><sheetData>')
SHEET_END = b"</sheetData></worksheet>"
HEADER = ["乡镇", "村(社区)", "户编号", "姓名", "身份证号", "与户主关系", "城乡类别"]


def header_row() -> bytes:
    cells = "".join(f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>' for i, h in enumerate(HEADER))
    return f'<row r="1">{cells}</row>'.encode()


def column(n: int) -> str:
    s = ""
    while n:
        n, rem = divmod(n - 1, 26)
        s = chr(65 + rem) + s
    return s


def write_xlsx(path: Path, sheet_chunks, shared: bytes | None = None) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", RELS)
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            for chunk in sheet_chunks:
                fh.write(chunk)
        if shared is not None:
            zf.writestr("xl/sharedStrings.xml", shared)


def padding(total: int, unit: bytes = b" ") -> object:
    block = unit * MB
    for _ in range(total // MB):
        yield block


def xml_bomb(path: Path, gigabytes: float) -> None:
    """A valid roster header followed by gigabytes of blank space inside the sheet: compresses ~1000:1."""
    write_xlsx(path, [SHEET_START, header_row(), *padding(int(gigabytes * 1024 * MB)), SHEET_END])


def forged_size(path: Path, gigabytes: float) -> None:
    """The same bomb, with the sheet's declared size and CRC rewritten to those of its first megabyte."""
    xml_bomb(path, gigabytes)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
        with zf.open(info) as fh:
            head = fh.read(MB)
    crc = zlib.crc32(head).to_bytes(4, "little")
    # the size is in the header itself, or (zip64, field 0xFFFFFFFF) first in the extra field 0x0001
    for signature, crc_at, size_at, name_at in ((b"PK\x03\x04", 14, 22, 30), (b"PK\x01\x02", 16, 24, 46)):
        start = 0
        while (at := data.find(signature, start)) != -1:
            start = at + 4
            name_len = int.from_bytes(data[at + name_at - 4:at + name_at - 2], "little")
            extra_len = int.from_bytes(data[at + name_at - 2:at + name_at], "little")
            if bytes(data[at + name_at:at + name_at + name_len]) != b"xl/worksheets/sheet1.xml":
                continue
            data[at + crc_at:at + crc_at + 4] = crc
            if data[at + size_at:at + size_at + 4] != b"\xff\xff\xff\xff":
                data[at + size_at:at + size_at + 4] = len(head).to_bytes(4, "little")
                continue
            extra = at + name_at + name_len
            end = extra + extra_len
            while extra + 4 <= end:
                tag = int.from_bytes(data[extra:extra + 2], "little")
                length = int.from_bytes(data[extra + 2:extra + 4], "little")
                if tag == 1:
                    data[extra + 4:extra + 12] = len(head).to_bytes(8, "little")
                extra += 4 + length
    path.write_bytes(bytes(data))


def sparse(path: Path) -> None:
    """A header and one cell at the far corner of the sheet: 17 billion cells for a reader that fills the
    rectangle."""
    write_xlsx(path, [SHEET_START, header_row(), b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>', SHEET_END])


def dense(path: Path, rows: int, columns: int) -> None:
    """`rows` x `columns` numeric cells (no names: a reader finds no household, after reading them all)."""
    names = [column(c + 1).encode() for c in range(columns)]

    def chunks():
        yield SHEET_START
        yield header_row()
        batch = []
        for r in range(2, rows + 2):
            rb = str(r).encode()
            batch.append(b'<row r="' + rb + b'">' + b"".join(b'<c r="' + n + rb + b'"><v>1</v></c>' for n in names)
                         + b"</row>")
            if len(batch) == 10000:
                yield b"".join(batch)
                batch = []
        yield b"".join(batch)
        yield SHEET_END

    write_xlsx(path, chunks())


def shared_strings_bomb(path: Path, gigabytes: float) -> None:
    text = b"A" * int(gigabytes * 1024 * MB)
    shared = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
              b'2006/main" count="1" uniqueCount="1"><si><t>' + text + b"</t></si></sst>")
    write_xlsx(path, [SHEET_START, header_row(), b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>', SHEET_END], shared)


def csv_long_line(path: Path, megabytes: int, unit: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(",".join(HEADER).encode() + b"\n")
        for _ in range(megabytes):
            fh.write(unit * MB)
        fh.write(b"\n")


def csv_big_field(path: Path) -> None:
    with open(path, "wb") as fh:
        fh.write(",".join(HEADER).encode() + b"\n")
        fh.write(b'a,b,H1,"' + b"x" * 200_000 + b'",632521198103150011,\xe6\x88\xb7\xe4\xb8\xbb,\n')


BOMBS = {
    "xlsx-3gb-xml": ("bomb-3gb.xlsx", lambda p: xml_bomb(p, 3)),
    "xlsx-11gb-xml": ("bomb-11gb.xlsx", lambda p: xml_bomb(p, 11)),
    "xlsx-forged-size": ("bomb-forged.xlsx", lambda p: forged_size(p, 3)),
    "xlsx-shared-strings": ("bomb-sst.xlsx", lambda p: shared_strings_bomb(p, 1)),
    "xlsx-sparse-corner": ("bomb-sparse.xlsx", sparse),
    "xlsx-25m-cells": ("bomb-25m-cells.xlsx", lambda p: dense(p, 1_000_000, 25)),
    "xlsx-19m-cells": ("bomb-19m-cells.xlsx", lambda p: dense(p, 1_000_000, 19)),  # just under the cell limit
    "csv-long-line": ("bomb-line.csv", lambda p: csv_long_line(p, 50, b"A")),
    "csv-long-line-commas": ("bomb-commas.csv", lambda p: csv_long_line(p, 50, b",")),
    "csv-big-field": ("bomb-field.csv", csv_big_field),
}


def measure(argv, env, cap_gb: float, timeout: float) -> tuple[float, float, str]:
    """(seconds, peak MB, outcome) of one capped process."""
    cap = int(cap_gb * 1024 * MB)

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    start = time.perf_counter()
    # run from the output folder: `python -m` puts the working folder first on the path, which would pick
    # this checkout's dibao_cli over the one given with --code
    # output goes to files: a pipe nobody reads while waiting would block a command that prints a lot
    out_file, err_file = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    proc = subprocess.Popen(argv, stdout=out_file, stderr=err_file, env=env, preexec_fn=limit, cwd=OUT)
    deadline = start + timeout
    status = usage = None
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            _, status, usage = os.wait4(proc.pid, 0)
            return time.perf_counter() - start, usage.ru_maxrss / 1024, f"killed after {timeout:.0f} s (timeout)"
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    out_file.seek(0)
    err_file.seek(0)
    out = out_file.read()[-4000:].decode(errors="replace")
    err = err_file.read()[-4000:].decode(errors="replace")
    text = " ".join((err or out).split()[-40:]) if code < 0 else " ".join((err or out).split())
    if code < 0 or "MemoryError" in err or "memory allocation" in err:
        text = f"killed (exit {code}, {cap_gb:g} GB address-space cap): {text[-160:]}"
    elif code in (0, 1):
        text = f"exit {code}: …{text[-160:]}"  # the summary at the end of the report
    else:
        text = f"exit {code}: {text[:160]}"
    return seconds, usage.ru_maxrss / 1024, text


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--code", type=Path, help="a checkout of dibao to measure instead of this one")
    parser.add_argument("--only", action="append", help="one bomb by name (repeatable)")
    parser.add_argument("--cap-gb", type=float, default=4.0)
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    code = (args.code or HERE.parent).resolve()
    env = dict(os.environ, PYTHONPATH=str(code), COLUMNS="120")
    for name, (filename, build) in BOMBS.items():
        if args.only and name not in args.only:
            continue
        path = OUT / filename
        if not path.exists():
            began = time.perf_counter()
            build(path)
            print(f"built {path.name}: {path.stat().st_size / MB:.1f} MB in {time.perf_counter() - began:.1f} s",
                  flush=True)
        argv = [sys.executable, "-m", "dibao_cli", "check", str(path), "--date", "2026-11-30"]
        seconds, peak, outcome = measure(argv, env, args.cap_gb, args.timeout)
        outcome = outcome.replace(str(OUT) + "/", "")
        print(f"{name:22s} {seconds:7.2f} s {peak:8.0f} MB  {outcome}", flush=True)


if __name__ == "__main__":
    main()
