"""`dibao assess -o result.xlsx` against the chosen writer (rustpy-xlsxwriter) writing the same cells.

    python benchmarks/xlsx_writers.py benchmarks/out/roster-1000000.xlsx [--code ../other-checkout] [--repeat 2]

Three processes on the same roster, alternated when repeated:
  1. the whole command, `dibao assess ROSTER -o x.xlsx` (read, assess, write);
  2. the writer alone: a process that loads the cells dibao wrote (dumped beforehand, marshal) and has
     rustpy-xlsxwriter write them with the same sheets, values, widths, number formats, wrapping, row
     heights, frozen header, filter and print setup; its write is timed from the first record to the saved file;
  3. dibao's own writing stage in one process: write_xlsx of the sheets already made.
Wall, CPU (user+system) and peak memory of each; the ratios are the command's to the writer's. Each run says
whether the writer alone wrote the very sheet XML the command wrote (the same cells, not just as many).
"""

from __future__ import annotations

import argparse
import datetime as dt
import marshal
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DAY = "2026-11-30"
PAGE = {"landscape": True, "paper_size": 9, "fit_to_pages": (1, 0), "repeat_rows": 0,
        "margins": {"left": 0.4, "right": 0.4, "top": 0.6, "bottom": 0.6},
        "footer": "&C第 &P 页，共 &N 页", "print_gridlines": True}


def measure(argv: list[str], cwd: str | None = None) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds (user + system, children included), peak MB, and the child's stdout."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = proc.stdout.read().decode(errors="replace")
    err = proc.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        sys.exit(f"{' '.join(argv)} failed: {err.strip()[-500:]}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out


def dump(roster: Path, folder: Path) -> tuple[list[Path], float, int]:
    """Each sheet of the assessment's workbook as dibao makes it, with the layout dibao gives it: one marshal
    file per sheet (meta, then rows in chunks). Also dibao's own write_xlsx of the same sheets, timed."""
    sys.path.insert(0, str(ROOT))
    from dibao_cli.assess.household import plan_assessment
    from dibao_cli.policy import PolicyAt, load_policy
    from dibao_cli.reading.roster import read_rosters
    from dibao_cli.reports import assess_sheets
    from dibao_cli.reports import fastbook, workbook
    from dibao_cli.reports.files import clean_text, display_width

    day = dt.date.fromisoformat(DAY)
    assessment = plan_assessment(read_rosters([roster], on_date=day), PolicyAt(load_policy(), day), day)
    sheets = assess_sheets.xlsx_sheets(assessment)
    sheets = [workbook._with_rows(s, list(s.rows) if not fastbook.again(s.rows) else s.rows) for s in sheets]
    t = time.process_time()
    workbook.write_xlsx(folder / "dibao-write.xlsx", sheets, force=True)
    ours = time.process_time() - t
    names = workbook.sheet_names([s.name for s in sheets])
    files, cells = [], 0
    for n, (spec, name) in enumerate(zip(sheets, names)):
        sample = list(__import__("itertools").islice(iter(spec.rows), workbook.WIDTH_SAMPLE))
        widths, wrapped = workbook._column_widths(spec, sample)
        header = [clean_text(str(h)) for h in spec.header]
        heights = fastbook.row_heights(spec.rows, widths, wrapped, workbook.LINE_HEIGHT)
        lines = max([workbook._lines(display_width(h), widths.get(c, 8)) for c, h in enumerate(header)] or [1])
        if lines > 1:
            heights[0] = workbook.LINE_HEIGHT * lines + 3
        meta = {"name": name, "header": header, "widths": [widths.get(c, 8) for c in range(len(header))],
                "formats": {h: (spec.formats.get(c), c in wrapped) for c, h in enumerate(header)
                            if spec.formats.get(c) or c in wrapped},
                "heights": heights, "empty": not spec.rows}
        path = folder / f"sheet{n}.marshal"
        with open(path, "wb") as f:
            marshal.dump(meta, f)
            chunk = []
            for values in spec.rows:
                chunk.append(list(values))
                cells += len(values)
                if len(chunk) == 1000:
                    marshal.dump(chunk, f)
                    chunk = []
            marshal.dump(chunk, f)
            marshal.dump(None, f)
        files.append(path)
    return files, ours, cells


def writer_alone(files: list[str], target: str) -> None:
    """The child process: rustpy-xlsxwriter writes the dumped cells with dibao's layout."""
    from rustpy_xlsxwriter import FastExcel, Format

    sheets = []
    for path in files:
        f = open(path, "rb")
        sheets.append((marshal.load(f), f))
    t0, c0 = time.perf_counter(), time.process_time()

    def records(f, header, empty):
        blank = dict.fromkeys(header)
        if empty:
            yield blank  # the header of a sheet with no rows, as dibao writes it
        width = len(header)
        while True:
            chunk = marshal.load(f)
            if chunk is None:
                return
            for values in chunk:
                if len(values) == width:
                    yield dict(zip(header, values))
                else:  # a short row (the summary's): every column in the record, as dibao gives them
                    record = dict(blank)
                    record.update(zip(header, values))
                    yield record

    book = FastExcel(target).format(datetime_format="yyyy-mm-dd")
    head = Format().set_bold().set_background_color("#DDEBF7").set_text_wrap().set_align("center")
    head = head.set_align("vcenter").set_border("thin")
    for meta, f in sheets:
        formats = {}
        for key, (number, wrap) in meta["formats"].items():
            cell = Format()
            if number:
                cell.set_num_format(number)
            if wrap:
                cell.set_text_wrap().set_align("top")
            formats[key] = cell
        book.freeze(row=1, col=0, sheet=meta["name"])
        book.sheet(meta["name"], records(f, meta["header"], meta["empty"]), column_widths=meta["widths"],
                   column_formats=formats or None, header_format=head, row_heights=meta["heights"] or None,
                   autofilter=not meta["empty"], page_setup=PAGE)
    book.save()
    print(f"{time.perf_counter() - t0:.3f} {time.process_time() - c0:.3f}")


def same_sheets(a: Path, b: Path) -> bool:
    """The two workbooks hold the same XML but for the time they were made (docProps/core.xml)."""
    import zipfile

    with zipfile.ZipFile(a) as x, zipfile.ZipFile(b) as y:
        names = sorted(n for n in x.namelist() if n != "docProps/core.xml")
        return names == sorted(n for n in y.namelist() if n != "docProps/core.xml") and all(
            x.read(n) == y.read(n) for n in names)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("roster")
    parser.add_argument("--code", help="run `dibao assess` from this checkout (the writer is the same)")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    roster = Path(args.roster).resolve()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        # in a child process: this one stays small (a child forked from a big process starts with its size)
        _, _, dump_mb, out = measure([sys.executable, __file__, "--dump", str(folder), str(roster)])
        count, ours, cells = out.split()
        files = [folder / f"sheet{n}.marshal" for n in range(int(count))]
        print(f"{roster.name}: {int(cells):,} cells; dibao's write_xlsx of the made sheets (in process, after"
              f" reading and assessing): CPU {float(ours):.2f} s")
        codes = [("this checkout", str(ROOT))] + ([("--code", str(Path(args.code).resolve()))] if args.code else [])
        for _ in range(args.repeat):
            w_wall, w_cpu, w_mb, out = measure([sys.executable, __file__, "--writer-alone", str(folder / "w.xlsx"),
                                                *map(str, files)])
            write_wall, write_cpu = map(float, out.split())
            print(f"  writer alone (process)   wall {w_wall:6.2f} s  cpu {w_cpu:6.2f} s  peak {w_mb:6.0f} MB;"
                  f" its write: wall {write_wall:.2f} s cpu {write_cpu:.2f} s")
            for label, cwd in codes:
                wall, cpu, mb, _ = measure([sys.executable, "-m", "dibao_cli", "assess", str(roster), "--date", DAY,
                                            "-o", str(folder / "a.xlsx"), "--force"], cwd=cwd)
                print(f"  dibao assess -o ({label:<13}) wall {wall:6.2f} s  cpu {cpu:6.2f} s  peak {mb:6.0f} MB;"
                      f" {wall / w_wall:4.2f}x / {cpu / w_cpu:4.2f}x the writer's process,"
                      f" {wall / write_wall:4.2f}x / {cpu / write_cpu:4.2f}x its write (wall / cpu);"
                      f" same sheet XML: {'yes' if same_sheets(folder / 'a.xlsx', folder / 'w.xlsx') else 'NO'}")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--writer-alone":
        writer_alone(sys.argv[3:], sys.argv[2])
    elif len(sys.argv) > 2 and sys.argv[1] == "--dump":
        made, seconds, total = dump(Path(sys.argv[3]), Path(sys.argv[2]))
        print(len(made), f"{seconds:.3f}", total)
    else:
        main()
