"""Time `dibao policy check` on large generated county policy files (one income item per entry).

    python benchmarks/policy_check.py 1 5 10      # sizes in MB

A county file is small; this guards against work that grows faster than the file (each entry's line
number used to be found by rescanning the whole file: quadratic, a 5 MB file did not finish).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"


def policy_text(megabytes: float) -> str:
    """A valid county policy with as many dated income items as fit in `megabytes`."""
    lines = ['[region]', 'code = "632521"', ""]
    size, n = 0, 0
    while size < megabytes * 1_000_000:
        block = (f'[income_items."项目{n:07d}"]\ncategory = "其他收入"\n'
                 f'"2021-01-01" = {{ value = "不计入", source = "共和县民政局文件第{n}条" }}\n\n')
        lines.append(block)
        size += len(block.encode())
        n += 1
    return "\n".join(lines)


def main(sizes: list[float]) -> None:
    OUT.mkdir(exist_ok=True)
    exe = shutil.which("dibao") or str(Path(sys.executable).parent / "dibao")
    for mb in sizes:
        path = OUT / f"policy-{mb:g}MB.toml"
        path.write_text(policy_text(mb), encoding="utf-8")
        start = time.perf_counter()
        done = subprocess.run([exe, "policy", "check", str(path), "--date", "2026-11-30"], capture_output=True)
        print(f"{mb:g} MB: {time.perf_counter() - start:.2f} s, exit {done.returncode}")


if __name__ == "__main__":
    main([float(a) for a in sys.argv[1:]] or [1, 5])
