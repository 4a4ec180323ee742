"""Time `dibao notice` at county scale (HTML and Word), against the floor of rendering the same compiled
template the same number of times in a plain loop.

    python benchmarks/notices.py 1000 10000 30000          # households

For each size a roster is generated (benchmarks/out/, git-ignored; about 3.3 members a household, as in
make_roster.py). Two measurements:
- the whole command in its own process (wall time, peak memory from os.wait4), files counted after;
- the writing stage alone, in one process: `write_notices` for the notices the command would write, next
  to the floor: HTML, the compiled notice template rendered once per notice in a plain loop (with plain
  Jinja's sandbox, and with dibao's limited sandbox); Word, docxtpl rendering and saving one document
  (what dibao did per notice before), timed on 300 notices and multiplied out to N; and the floor of
  writing: the same files (names and sizes) written into a new folder in a plain loop, nothing rendered.
The stage writes into a new folder (as `dibao notice -o 新文件夹`); with EXISTING=1 into an existing one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
DAY = "2026-11-30"
MEMBERS_PER_HOUSEHOLD = 100_000 / 30_391  # make_roster.py's mix


def measure(argv: list[str]) -> tuple[float, float, int, str]:
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = proc.stdout.read().decode(errors="replace")
    err = proc.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        print(f"  ! {' '.join(argv)} exited {code}: {err.strip()[:300]}")
    return seconds, usage.ru_maxrss / 1024, code, out


def roster_for(households: int) -> Path:
    members = round(households * MEMBERS_PER_HOUSEHOLD)
    path = OUT / f"roster-{members}.xlsx"
    if not path.exists():
        subprocess.run([sys.executable, str(HERE / "make_roster.py"), str(members), str(path)], check=True)
    return path


def dibao(*args: str) -> list[str]:
    exe = shutil.which("dibao") or str(Path(sys.executable).parent / "dibao")
    return [exe, *args]


def stage(roster: str, fmt: str, where: str) -> None:
    """The writing stage and its floor, in this process (printed as one line of numbers)."""
    import datetime as dt

    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    sys.path.insert(0, str(HERE.parent))
    from dibao_cli.assess.household import assess_roster
    from dibao_cli.documents.issue import Plan, choose, clean, default_issuer, notice_from_result, write_notices
    from dibao_cli.cli.assess import resolve
    from dibao_cli.reading.roster import read_rosters
    from dibao_cli.documents.templating import Templates, shipped_templates

    day = dt.date.fromisoformat(DAY)
    policy = resolve("632521", (), day)
    assessment = assess_roster(read_rosters([Path(roster)], on_date=day), policy, day)
    issuer = default_issuer("632521", day, None, None, None, None)
    chosen, _ = choose(assessment.results, "auto", None)
    notices = [clean(notice_from_result(r, k, issuer, f"{issuer.prefix}{i}号")) for i, (r, k) in enumerate(chosen, 1)]
    n = len(notices)
    folder = Path(tempfile.mkdtemp(dir=where))
    try:
        if fmt == "html":
            plain = SandboxedEnvironment(loader=jinja2.FileSystemLoader(str(shipped_templates())),
                                         undefined=jinja2.StrictUndefined, autoescape=True, trim_blocks=True,
                                         lstrip_blocks=True, keep_trailing_newline=True)
            template = plain.get_template("notice.html.j2")
            t, c = time.perf_counter(), time.process_time()
            for notice in notices:
                template.render(notices=[notice])
            floor_plain, floor_cpu = time.perf_counter() - t, time.process_time() - c
            ours = Templates()
            ours.get("notice.html.j2", True)
            t = time.perf_counter()
            for notice in notices:
                ours.render("notice.html.j2", True, notices=[notice])
            floor_ours = time.perf_counter() - t
        else:
            from docxtpl import DocxTemplate

            ours = Templates()
            source = shipped_templates() / "notice.docx"
            sample = notices[:300]
            t, c = time.perf_counter(), time.process_time()
            for i, notice in enumerate(sample):
                doc = DocxTemplate(str(source))
                doc.render(notice, jinja_env=ours.env(True), autoescape=True)
                doc.save(str(folder / f"slow-{i}.docx"))
            floor_plain = (time.perf_counter() - t) / len(sample) * n
            floor_cpu = (time.process_time() - c) / len(sample) * n
            for p in folder.glob("slow-*.docx"):
                p.unlink()
            word = ours.word("notice.docx")
            t = time.perf_counter()
            for notice in sample:
                word.docx_bytes(notice)
            floor_ours = (time.perf_counter() - t) / len(sample) * n
        import resource

        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        t, c = time.perf_counter(), time.process_time()
        target = folder / "通知书"  # a new folder, as `dibao notice -o 新文件夹` (EXISTING=1: one that exists)
        if os.environ.get("EXISTING"):
            target.mkdir()
        write_notices(notices, target, fmt, True, Templates(), plan=Plan(notices, target, fmt, True))
        written, written_cpu = time.perf_counter() - t, time.process_time() - c
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        # the floor of writing: the same files (names and sizes) written in a plain loop into a new folder
        sizes = [(e.name, e.stat().st_size) for e in os.scandir(target) if e.name.endswith(f".{fmt}")]
        blank = memoryview(b"x" * max(size for _, size in sizes))
        (folder / "floor").mkdir()
        t = time.perf_counter()
        for name, size in sizes:
            with open(folder / "floor" / name, "wb") as fh:
                fh.write(blank[:size])
        floor_write = time.perf_counter() - t
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"{n} {floor_plain:.2f} {floor_ours:.2f} {written:.2f} {floor_cpu:.2f} {written_cpu:.2f} {before:.0f} {after:.0f} "
          f"{floor_write:.2f}")


def main(sizes: list[int]) -> None:
    OUT.mkdir(exist_ok=True)
    lines = []
    loads = [os.getloadavg()[0]]
    for households in sizes:
        roster = roster_for(households)
        for fmt in ("html", "docx"):
            folder = OUT / f"notices-{households}-{fmt}"
            shutil.rmtree(folder, ignore_errors=True)
            db = OUT / f"notices-{households}-{fmt}.db"
            db.unlink(missing_ok=True)
            seconds, peak, code, _ = measure(dibao("notice", str(roster), "--region", "632521", "--date", DAY,
                                                   "--format", fmt, "-o", str(folder), "--db", str(db)))
            files = len(list(folder.glob(f"*.{fmt}"))) - 1
            _, _, _, out = measure([sys.executable, __file__, "--stage", str(roster), fmt])
            n, floor_plain, floor_ours, written, floor_cpu, written_cpu, before, after, floor_write = (
                float(x) for x in out.split())
            what = "Jinja 循环" if fmt == "html" else "docxtpl 逐份"
            line = (f"| {int(n):,} | {fmt} | {seconds:.1f} s，{peak:.0f} MB | {written:.2f} s | "
                    f"{what} {floor_plain:.2f} s | {written / floor_plain:.2f} | {floor_write:.2f} s | "
                    f"{before:.0f} → {after:.0f} MB | {files:,} |")
            loads.append(os.getloadavg()[0])
            print(line, flush=True)
            lines.append(line)
            shutil.rmtree(folder, ignore_errors=True)
    print("\n| 通知书 | 格式 | 整条命令（时间，内存峰值） | 写通知书阶段 | 渲染下限 | 阶段/渲染下限 | 写文件下限 | "
          "写之前 → 写之后的内存峰值 | 文件数 |")
    print("|---|---|---|---|---|---|---|---|---|")
    print("\n".join(lines))
    print(f"\n1 分钟平均负载 {min(loads):.1f}–{max(loads):.1f}（{os.cpu_count()} 核）")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--stage"]:
        stage(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else str(OUT))
    else:
        main([int(a) for a in sys.argv[1:]] or [1000, 10000, 30000])
