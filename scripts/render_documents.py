"""Render every kind of document dibao writes, from the example roster, to PDF and PNG for a person to look at.

    python scripts/render_documents.py OUTPUT_FOLDER [--dpi 80]

Needs chromium (HTML -> PDF), LibreOffice (DOCX/XLSX -> PDF) and poppler-utils (pdftoppm, pdfinfo, pdftotext).
Writes OUTPUT_FOLDER/files (what dibao wrote), OUTPUT_FOLDER/pdf and OUTPUT_FOLDER/png, and prints a list of
the pages with the checks a program can make: every notice (with its receipt) on one A4 page, in HTML and Word,
for 低保 and for the tiered programmes (特困供养, 临时救助, 刚性支出困难家庭, from examples/tiered-roster.xlsx and
examples/临时救助申请.xlsx); the notices issued from a ledger month (HTML and Word); the impact report; the visit
sheets (HTML and Word); the workbooks of check, assess, review, monitor and impact; and `dibao explain` for a few
households (OUTPUT_FOLDER/files/说明). Looking at the pages stays a person's job.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DAY = "2026-11-30"
COUNTY = ["--region", "632521", "--policy", str(EXAMPLES / "632521-共和县.toml"), "--phone", "0974-8512345"]


def dibao(*args: str, cwd: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "dibao_cli", *args], cwd=cwd, capture_output=True, text=True)
    if result.returncode not in (0, 1):
        raise SystemExit(f"dibao {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")


def chromium_pdf(html: Path, pdf: Path) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser is None:
        raise SystemExit("chromium not found")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
                        "--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.resolve().as_uri()],
                       check=True, capture_output=True)


def office_pdf(files: list[Path], folder: Path) -> None:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        raise SystemExit("LibreOffice (soffice) not found")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([office, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(folder), *map(str, files)], check=True, capture_output=True)


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def page_text(pdf: Path, page: int) -> str:
    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout


def png(pdf: Path, folder: Path, dpi: int) -> list[Path]:
    prefix = folder / pdf.stem
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(prefix)], check=True)
    return sorted(folder.glob(f"{pdf.stem}-*.png"))


def long_cases(path: Path) -> Path:
    """Households whose notices are the longest: every property limit exceeded; leaving 低保 for 低保边缘; and a
    new one whose amount is raised to the county's minimum."""
    import datetime as dt

    from openpyxl import Workbook

    from dibao_cli.idcard import build_id

    header = ["乡镇", "村(社区)", "户编号", "姓名", "身份证号", "与户主关系", "城乡类别", "经营净收入", "存款及金融资产",
              "机动车辆", "房产套数", "工商登记", "当前保障类别", "当前月保障金", "渐退开始日期"]
    rows = [["倒淌河镇", "黄河沿村委会", "W1", "扎西才让多杰", build_id("632521", dt.date(1960, 1, 1), 11), "户主", "农村",
             30000, 90000, 2, 3, "是", "低保", 800, None],
            ["倒淌河镇", "黄河沿村委会", "W1", "卓玛", build_id("632521", dt.date(1962, 1, 1), 12), "配偶", "农村",
             None, None, None, None, None, None, None, None],
            ["恰卜恰镇", "西台村", "W2", "马福海", build_id("632521", dt.date(1970, 1, 1), 13), "户主", "农村",
             12000, None, None, None, None, "渐退期", 300, "2025-06-01"],
            ["恰卜恰镇", "西台村", "W2", "马秀兰", build_id("632521", dt.date(1972, 1, 1), 14), "配偶", "农村",
             None, None, None, None, None, None, None, None],
            # income just under the standard: the difference (10 元) is raised to the county's minimum (30 元)
            ["恰卜恰镇", "东巴村", "W3", "李国华", build_id("632521", dt.date(1980, 1, 1), 15), "户主", "农村",
             4680, None, None, None, None, None, None, None]]
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def make_files(work: Path) -> Path:
    files = work / "files"
    files.mkdir(parents=True)
    roster = str(EXAMPLES / "roster.xlsx")
    db = str(work / "台账.db")
    dibao("notice", roster, *COUNTY, "--date", DAY, "-o", str(files / "通知书"), "--db", db, cwd=work)
    dibao("notice", roster, *COUNTY, "--date", DAY, "-o", str(files / "通知书-Word"), "--format", "docx", "--db", db, cwd=work)
    # the longest notices, to check that they too keep to one page
    long = str(long_cases(work / "长通知书名册.xlsx"))
    dibao("notice", long, *COUNTY, "--date", DAY, "-o", str(files / "通知书"), "--db", db, "--force", cwd=work)
    dibao("notice", long, *COUNTY, "--date", DAY, "-o", str(files / "通知书-Word"), "--format", "docx", "--db", db,
          "--force", cwd=work)
    dibao("publicity", roster, *COUNTY, "--from", "2026-12-01", "--date", DAY, "-o", str(files / "公示.html"), cwd=work)
    dibao("publicity", roster, *COUNTY, "--from", "2026-12-01", "--date", DAY, "-o", str(files / "公示.xlsx"), cwd=work)
    dibao("report", "monthly", roster, *COUNTY, "--date", DAY, "--filled-by", "张三", "-o", str(files / "月报-名册.html"), cwd=work)
    dibao("report", "monthly", roster, *COUNTY, "--date", DAY, "--filled-by", "张三", "-o", str(files / "月报-名册.xlsx"), cwd=work)
    # a ledger with two months of the same example roster, for the ledger-mode report and the year summary
    ledger = str(work / "年度台账.db")
    for month in ("2026-10", "2026-11"):
        dibao("import", roster, "--month", month, *COUNTY[:4], "--db", ledger, "--skip-invalid", cwd=work)
    dibao("report", "monthly", "--month", "2026-11", *COUNTY[:4], "--db", ledger, "-o", str(files / "月报-台账.html"), cwd=work)
    dibao("report", "year", "--year", "2026", "--db", ledger, "-o", str(files / "年度汇总.html"), cwd=work)
    dibao("report", "year", "--year", "2026", "--db", ledger, "-o", str(files / "年度汇总.xlsx"), cwd=work)
    tiered_files(work, files)
    ledger_files(work, files, ledger)
    workbooks(work, files, ledger)
    explanations(work, files)
    return files


def ledger_files(work: Path, files: Path, ledger: str) -> None:
    """Notices issued from the ledger's first month (every household is new there: approval, refusal and 低保边缘
    notices built from stored results), the casework records and monitor's signals with the monthly report's
    信号核实 part, and the visit sheets (HTML and Word, both titles)."""
    for fmt, folder in (("html", "台账通知书"), ("docx", "台账通知书-Word")):
        dibao("notice", "--month", "2026-10", *COUNTY, "--date", DAY, "--db", ledger, "--format", fmt,
              "-o", str(files / folder), cwd=work)
        combined = files / folder / f"全部通知书.{fmt}"
        shutil.copyfile(combined, files / f"台账通知书-全部.{fmt}")
    dibao("record", str(EXAMPLES / "applications.xlsx"), str(EXAMPLES / "visits.xlsx"), "--db", ledger, cwd=work)
    # monitor registers its signals in the ledger: the report's 信号核实 part counts them
    dibao("monitor", str(EXAMPLES / "roster.xlsx"), "--month", "2026-10", *COUNTY[:4], "--date", DAY, "--db", ledger,
          "-o", str(files / "走访重点.xlsx"), cwd=work)
    dibao("report", "monthly", "--month", "2026-11", *COUNTY[:4], "--db", ledger, "--filled-by", "张三",
          "-o", str(files / "月报-台账-办理.html"), cwd=work)
    dibao("report", "monthly", "--month", "2026-11", *COUNTY[:4], "--db", ledger, "--filled-by", "张三",
          "-o", str(files / "月报-台账-办理.xlsx"), cwd=work)
    dibao("visits", "sheet", "GH010", "GH101", "GH104", "--db", ledger, "--date", DAY, "-o", str(files / "入户调查表.html"),
          cwd=work)
    dibao("visits", "sheet", "GH010", "GH101", "GH104", "--db", ledger, "--date", DAY, "-o", str(files / "入户调查表.docx"),
          cwd=work)
    dibao("visits", "sheet", "GH014", "--title", "特困入户核查表", "--db", ledger, "--date", DAY,
          "-o", str(files / "特困入户核查表.docx"), cwd=work)


def workbooks(work: Path, files: Path, ledger: str) -> None:
    """What check, assess, review and impact write as workbooks (monitor's is written with the ledger files),
    and the impact report page."""
    roster = str(EXAMPLES / "roster.xlsx")
    dibao("check", str(EXAMPLES / "messy-roster.xlsx"), *COUNTY[:4], "--date", DAY, "-o", str(files / "问题清单.xlsx"),
          cwd=work)
    dibao("assess", roster, *COUNTY[:4], "--date", DAY, "-o", str(files / "核算结果.xlsx"), cwd=work)
    dibao("review", "--month", "2026-11", "--as-of", DAY, "--within", "60", *COUNTY[:4], "--db", ledger,
          "-o", str(files / "核查清单.xlsx"), cwd=work)
    scheme = ["--region", "632521", "--base-policy", str(EXAMPLES / "632521-共和县.toml"),
              "--policy", str(EXAMPLES / "reform-2027.toml"), "--date", "2027-01-01"]
    dibao("impact", roster, *scheme, "--unit", "共和县民政局", "-o", str(files / "测算.html"), cwd=work)
    dibao("impact", roster, *scheme, "-o", str(files / "测算.xlsx"), cwd=work)


EXPLAINED = ("GH001", "GH003", "GH005", "GH006", "GH011", "GH014", "GH016", "GH023", "GH025", "GH031")


def explanations(work: Path, files: Path) -> None:
    """`dibao explain` of a plain household, 单人户, 渐退期, 低保边缘, one whose amount is rounded down (GH023) and
    one raised to the county's minimum (W3 of the long cases)."""
    folder = files / "说明"
    folder.mkdir()
    for household in EXPLAINED:
        result = subprocess.run([sys.executable, "-m", "dibao_cli", "explain", str(EXAMPLES / "roster.xlsx"), household,
                                 *COUNTY[:4], "--date", DAY], cwd=work, capture_output=True, text=True)
        if result.returncode != 0:
            raise SystemExit(f"dibao explain {household} failed ({result.returncode}):\n{result.stderr}")
        (folder / f"{household}.txt").write_text(result.stdout, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "dibao_cli", "explain", str(work / "长通知书名册.xlsx"), "W3",
                             *COUNTY[:4], "--date", DAY], cwd=work, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"dibao explain W3 failed ({result.returncode}):\n{result.stderr}")
    (folder / "W3.txt").write_text(result.stdout, encoding="utf-8")


def tiered_files(work: Path, files: Path) -> None:
    """特困供养, 刚性支出 and 临时救助: every notice kind, the 特困 publicity, the monthly report's tiered page and
    the year xlsx sheet, from the tiered examples (a ledger of two months with the 临时救助 register)."""
    tiered = str(EXAMPLES / "tiered-roster.xlsx")
    db = str(work / "分层台账.db")
    for month in ("2026-10", "2026-11"):
        dibao("import", tiered, "--month", month, *COUNTY[:4], "--db", db, cwd=work)
    dibao("assistance", "import", str(EXAMPLES / "临时救助申请.xlsx"), "--db", db, cwd=work)
    dibao("assistance", "notice", tiered, *COUNTY, "--date", DAY, "-o", str(files / "特困和刚性支出通知书.html"), "--db", db,
          cwd=work)
    # 1: a household's 支出型 (county), 2: an urgent one granted by the township first, 3: a refusal
    dibao("assistance", "notice", "--case", "1", "--case", "2", "--case", "3", *COUNTY, "--date", DAY,
          "-o", str(files / "临时救助通知书.html"), "--db", db, cwd=work)
    dibao("assistance", "publicity", tiered, "--from", "2026-12-01", *COUNTY, "--date", DAY,
          "-o", str(files / "特困公示.html"), cwd=work)
    dibao("report", "monthly", "--month", "2026-11", *COUNTY[:4], "--db", db, "--filled-by", "张三",
          "-o", str(files / "月报-分层.html"), cwd=work)
    dibao("report", "monthly", "--month", "2026-11", *COUNTY[:4], "--db", db, "--filled-by", "张三",
          "-o", str(files / "月报-分层.xlsx"), cwd=work)
    dibao("report", "year", "--year", "2026", "--db", db, "-o", str(files / "年度汇总-分层.xlsx"), cwd=work)


TIERED_NOTICES = ("特困和刚性支出通知书", "临时救助通知书")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--dpi", type=int, default=80)
    args = parser.parse_args()
    work = args.output
    if work.exists() and any(work.iterdir()):
        raise SystemExit(f"{work} is not empty")
    work.mkdir(parents=True, exist_ok=True)
    files = make_files(work)
    pdf_dir, png_dir = work / "pdf", work / "png"
    pdf_dir.mkdir()
    png_dir.mkdir()
    problems = []
    # HTML: the combined notices and every report
    # every notice in one file (the combined file of the last run holds only the long cases)
    notices = sorted((files / "通知书").glob("[GW]*.html"))
    parts = [p.read_text(encoding="utf-8") for p in notices]
    head, tail = parts[0].split("<body>")[0], "</body>\n</html>\n"
    sections = ["<section" + p.split("<section", 1)[1].rsplit("</body>", 1)[0] for p in parts]
    (files / "通知书" / "全部通知书.html").write_text(head + "<body>\n" + "".join(sections) + tail, encoding="utf-8")
    html = [files / "通知书" / "全部通知书.html", *sorted(files.glob("*.html"))]
    for path in html:
        chromium_pdf(path, pdf_dir / f"{path.stem}-html.pdf")
    combined = pdf_dir / "全部通知书-html.pdf"
    expected = len(notices)
    if pages(combined) != expected:
        problems.append(f"全部通知书: {pages(combined)} pages for {expected} notices")
    for page in range(1, pages(combined) + 1):
        if "送达人签名" not in page_text(combined, page).replace(" ", ""):
            problems.append(f"全部通知书 page {page}: no complete receipt")
    for name in TIERED_NOTICES:  # one notice a page, each with its receipt
        pdf = pdf_dir / f"{name}-html.pdf"
        expected = (files / f"{name}.html").read_text(encoding="utf-8").count('<section class="notice"')
        if pages(pdf) != expected:
            problems.append(f"{name}: {pages(pdf)} pages for {expected} notices")
        for page in range(1, pages(pdf) + 1):
            text = page_text(pdf, page).replace(" ", "")
            if text.count("送达回执") != 1 or text.count("送达人签名") != 1 or "特此" not in text:
                problems.append(f"{name} page {page}: not one whole notice with its receipt")
    ledger_html = pdf_dir / "台账通知书-全部-html.pdf"
    expected = (files / "台账通知书-全部.html").read_text(encoding="utf-8").count('<section class="notice"')
    if pages(ledger_html) != expected:
        problems.append(f"台账通知书-全部.html: {pages(ledger_html)} pages for {expected} notices")
    expected = len(list((files / "台账通知书-Word").glob("*.docx"))) - 1
    # Word and Excel through LibreOffice
    docx = sorted((files / "通知书-Word").glob("*.docx"))
    with tempfile.TemporaryDirectory() as converted:
        office_pdf(docx + sorted(files.glob("*.xlsx")) + sorted(files.glob("*.docx")), Path(converted))
        for pdf in Path(converted).glob("*.pdf"):
            kind = "docx" if (files / f"{pdf.stem}.docx").exists() or (files / "通知书-Word" / f"{pdf.stem}.docx").exists() \
                else "xlsx"
            shutil.move(str(pdf), pdf_dir / f"{pdf.stem}-{kind}.pdf")
    if pages(pdf_dir / "台账通知书-全部-docx.pdf") != expected:
        problems.append(f"台账通知书-全部.docx: {pages(pdf_dir / '台账通知书-全部-docx.pdf')} pages for {expected} notices")
    singles = [path for path in docx if path.name != "全部通知书.docx"]
    for path in docx:
        count = pages(pdf_dir / f"{path.stem}-docx.pdf")
        expected = len(singles) if path.name == "全部通知书.docx" else 1  # the combined print file: one page each
        if count != expected:
            problems.append(f"{path.name}: {count} pages, {expected} expected")
    for pdf in sorted(pdf_dir.glob("*.pdf")):
        shown = png(pdf, png_dir, args.dpi)
        print(f"{pdf.name}: {pages(pdf)} page(s) -> {', '.join(p.name for p in shown[:3])}{' …' if len(shown) > 3 else ''}")
    print(f"\n{len(list(png_dir.glob('*.png')))} PNG pages in {png_dir}")
    for problem in problems:
        print(f"PROBLEM: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
