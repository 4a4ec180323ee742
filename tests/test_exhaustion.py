"""Files built to exhaust the machine are refused early with a Chinese message naming the limit and how
to split the file (exit 3), never read as an empty clean roster. The real bombs (gigabytes) are measured
in benchmarks/bombs.py; these tests build small ones with the same shape."""

import zipfile
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import DAY, person, write_xlsx
from dibao_cli.reading import sheetscan

MB = 1024 * 1024
SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture(autouse=True, params=["as chosen by size", "by columns after the scan", "by columns while scanned"])
def loader(request, monkeypatch):
    """Every bomb three ways: read as dibao chooses for the file's size (these are small: row by row), by columns
    loaded after the sheet's scan, and by columns loaded in a child process while the sheet is scanned, as large
    sheets are. The limits must hold in each (same message, same exit status, nothing else on the screen), also
    when the load starts before the scan has judged the sheet."""
    from dibao_cli.reading import columnar

    if request.param != "as chosen by size":
        monkeypatch.setenv("DIBAO_READER", "columnar")
    if request.param == "by columns while scanned":
        monkeypatch.setattr(columnar, "PARALLEL_FROM_BYTES", 0)
    return request.param


def rebuild(path, replace):
    """Rewrite a workbook with some parts replaced (name -> bytes or an iterable of chunks)."""
    with zipfile.ZipFile(path) as zf:
        parts = {info.filename: zf.read(info) for info in zf.infolist()}
    path.unlink()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            data = replace.get(name, data)
            if isinstance(data, bytes):
                zf.writestr(name, data)
            else:
                with zf.open(name, "w") as fh:
                    for chunk in data:
                        fh.write(chunk)
    return path


def base(tmp_path, name="r.xlsx"):
    rows = [person("H1", "马建国", "1981-03-15", seq=11), person("H2", "冶玛", "1950-11-11", seq=12)]
    return write_xlsx(tmp_path / name, rows)


def sheet_xml(path):
    with zipfile.ZipFile(path) as zf:
        return zf.read(SHEET).decode()


def padded_sheet(path, megabytes):
    """The sheet's own XML with `megabytes` of blank space before </sheetData>."""
    head, tail = sheet_xml(path).split("</sheetData>")

    def chunks():
        yield head.encode()
        for _ in range(megabytes):
            yield b" " * MB
        yield ("</sheetData>" + tail).encode()

    return chunks()


def refused(run, path, *needles):
    result = run("check", path, "--date", DAY)
    assert result.code == 3, result.out + result.err
    assert "没有发现问题" not in result.out and "Traceback" not in result.err
    for needle in needles:
        assert needle in result.err, result.err
    return result.err


def test_sheet_that_expands_a_thousand_times_is_refused_before_reading(run, tmp_path):
    path = base(tmp_path)
    rebuild(path, {SHEET: padded_sheet(path, 20)})
    err = refused(run, path, "压缩了", f"不超过 {sheetscan.MAX_RATIO} 倍", "拆成几个文件", str(path))
    assert "xl/worksheets/sheet1.xml" in err


def test_sheet_declared_larger_than_the_limit_is_refused(run, tmp_path, monkeypatch):
    monkeypatch.setattr(sheetscan, "MAX_PART_BYTES", 2 * MB)
    path = base(tmp_path)
    rebuild(path, {SHEET: padded_sheet(path, 3)})
    refused(run, path, "解压后有 3 MB", "上限 2 MB", "拆成几个文件")


def test_forged_size_in_the_zip_header_is_refused(run, tmp_path):
    """A header declaring 64 KB for a sheet that inflates to 20 MB (CRC matching the declared part)."""
    path = base(tmp_path)
    rebuild(path, {SHEET: padded_sheet(path, 20)})
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        with zf.open(SHEET) as fh:
            head = fh.read(64 * 1024)
    crc, size = zlib.crc32(head).to_bytes(4, "little"), len(head).to_bytes(4, "little")
    name = SHEET.encode()
    patched = 0
    for signature, crc_at, size_at, name_at in ((b"PK\x03\x04", 14, 22, 30), (b"PK\x01\x02", 16, 24, 46)):
        at = 0
        while (at := data.find(signature, at)) != -1:
            if bytes(data[at + name_at:at + name_at + len(name)]) == name:
                data[at + crc_at:at + crc_at + 4] = crc
                data[at + size_at:at + size_at + 4] = size
                patched += 1
            at += 4
    assert patched == 2
    path.write_bytes(bytes(data))
    refused(run, path, "实际解压后比文件头声明的", "已拒绝读取")


def test_one_cell_at_the_far_corner_is_refused(run, tmp_path):
    """A reader fills the rectangle up to the last cell: XFD1048576 would be 17 billion cells."""
    path = base(tmp_path)
    xml = sheet_xml(path).replace("</sheetData>", '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')
    rebuild(path, {SHEET: xml.encode()})
    refused(run, path, "1,048,576 行 × 16,384 列", f"上限 {sheetscan.MAX_CELLS:,} 个", "拆成几个文件")


def test_a_stray_cell_far_right_of_a_small_roster_is_fine(run, tmp_path):
    """Ten rows by 16,384 columns is far below the cell limit: read, the stray column listed as unknown."""
    path = base(tmp_path)
    xml = sheet_xml(path).replace('</row><row r="2"', '<c r="XFD1" t="inlineStr"><is><t>备用</t></is></c></row><row r="2"', 1)
    rebuild(path, {SHEET: xml.encode()})
    result = run("check", path, "--date", DAY, "--format", "json")
    data = result.json()
    assert result.code == 0 and data["summary"]["members"] == 2
    assert data["summary"]["sheets"][0]["unknown_columns"] == ["备用"]


def test_far_rows_times_columns_over_the_cell_limit_are_refused(run, tmp_path):
    path = base(tmp_path)
    xml = sheet_xml(path).replace("</sheetData>", '<row r="1048576"><c r="AZ1048576"><v>1</v></c></row></sheetData>')
    rebuild(path, {SHEET: xml.encode()})
    refused(run, path, "1,048,576 行 × 52 列", f"上限 {sheetscan.MAX_CELLS:,} 个", "拆成几个文件")


def test_too_many_cells_are_refused(run, tmp_path, monkeypatch):
    monkeypatch.setattr(sheetscan, "MAX_CELLS", 100)
    rows = [person(f"H{i}", "马建国", "1981-03-15", seq=2 * i + 1) for i in range(20)]
    path = write_xlsx(tmp_path / "r.xlsx", rows)
    refused(run, path, "上限 100 个", "拆成几个文件")
    monkeypatch.setattr(sheetscan, "MAX_CELLS", 1000)
    assert run("check", path, "--date", DAY).code in (0, 1)


def test_ods_bomb_is_refused(run, tmp_path):
    path = tmp_path / "r.ods"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        with zf.open("content.xml", "w") as fh:
            fh.write(b'<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:'
                     b'xmlns:office:1.0">')
            for _ in range(20):
                fh.write(b" " * MB)
            fh.write(b"</office:document-content>")
    refused(run, path, "content.xml", "压缩了")


def test_file_over_the_size_limit_is_refused_without_reading(run, tmp_path):
    path = tmp_path / "big.csv"
    with open(path, "wb") as fh:
        fh.write("户编号,姓名\n".encode())
        fh.truncate(sheetscan.MAX_INPUT_BYTES + 1)  # sparse: nothing is written
    refused(run, path, "上限 200 MB", "拆成几个文件")


@pytest.mark.parametrize("unit", [b"A", b","])
def test_csv_line_over_the_limit_is_refused(run, tmp_path, unit):
    path = tmp_path / "r.csv"
    with open(path, "wb") as fh:
        fh.write("乡镇,村(社区),户编号,姓名,身份证号,与户主关系\n".encode())
        fh.write(unit * (sheetscan.MAX_LINE_BYTES + 10) + b"\n")
    refused(run, path, "第 2 行超过 1 MB", "已拒绝读取")


def test_csv_row_with_too_many_columns_is_refused(run, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("乡镇,村(社区),户编号,姓名,身份证号,与户主关系\n" + "," * 5000 + "\n", encoding="utf-8")
    refused(run, path, "第 2 行有 5,001 列", f"上限 {sheetscan.MAX_COLUMNS:,} 列")


def test_csv_field_over_the_csv_limit_has_a_chinese_message(run, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("乡镇,村(社区),户编号,姓名,身份证号,与户主关系\n" + 'a,b,H1,"' + "x" * 200_000 + '",1,户主\n',
                    encoding="utf-8")
    err = refused(run, path, "第 2 行附近有一个单元格超过 131,072 个字符", "引号")
    assert "field larger than field limit" not in err


def test_a_real_roster_near_the_limits_is_still_read(run, tmp_path):
    path = base(tmp_path)
    result = run("check", path, "--date", DAY, "--format", "json")
    assert result.code == 0 and result.json()["summary"]["members"] == 2


def ods_with_body(path, body):
    xml = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
           'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
           '<office:body><office:spreadsheet><table:table table:name="名册">' + body +
           '</table:table></office:spreadsheet></office:body></office:document-content>')
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
                    '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry '
                    'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                    '</manifest:manifest>')
        zf.writestr("content.xml", xml)
    return path


@pytest.mark.parametrize("rows,columns,needle", [
    (1_048_576, 16_384, "第 16,384 列"),
    (200_000, 300, "200,000 行 × 300 列"),
])
def test_ods_cell_repeated_billions_of_times_is_refused(run, tmp_path, rows, columns, needle):
    """A 1 KB .ods whose one cell says it repeats over every row and column."""
    body = (f'<table:table-row table:number-rows-repeated="{rows}"><table:table-cell office:value-type="float" '
            f'office:value="1" table:number-columns-repeated="{columns}"/></table:table-row>')
    path = ods_with_body(tmp_path / "r.ods", body)
    assert path.stat().st_size < 2000
    refused(run, path, needle, "拆成几个文件")


def test_ods_trailing_empty_repeats_as_libreoffice_writes_them_are_fine(run, tmp_path):
    header = "".join(f'<table:table-cell office:value-type="string"><text:p>{h}</text:p></table:table-cell>'
                     for h in ["户编号", "姓名", "身份证号", "与户主关系", "城乡类别"])
    from conftest import pid

    row = "".join(f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
                  for v in ["H1", "马建国", pid("1981-03-15"), "户主", "农村"])
    empty = '<table:table-cell table:number-columns-repeated="16379"/>'
    body = (f"<table:table-row>{header}{empty}</table:table-row><table:table-row>{row}{empty}</table:table-row>"
            f'<table:table-row table:number-rows-repeated="1048574"><table:table-cell '
            f'table:number-columns-repeated="16384"/></table:table-row>')
    path = ods_with_body(tmp_path / "r.ods", body)
    result = run("check", path, "--date", DAY, "--format", "json")
    assert result.code == 0 and result.json()["summary"]["members"] == 1


def test_csv_with_more_rows_than_a_sheet_can_hold_is_refused(run, tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes("乡镇,村(社区),户编号,姓名,身份证号,与户主关系\n".encode() + b"\n" * (sheetscan.MAX_ROWS + 5))
    refused(run, path, f"上限 {sheetscan.MAX_ROWS:,} 行", "拆成几个文件")


def test_damaged_compressed_sheet_is_a_clear_message(run, tmp_path):
    """Bytes flipped inside the compressed sheet: the scan reports damage, not an internal error."""
    path = base(tmp_path)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(SHEET)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for at in range(start + 10, start + min(info.compress_size, 200)):
        data[at] ^= 0x5A
    path.write_bytes(bytes(data))
    refused(run, path, "已损坏或不完整", "另存为 .xlsx")


@given(st.lists(st.integers(min_value=0, max_value=20), max_size=12), st.booleans())
def test_long_line_finder_agrees_with_splitting(lengths, final_newline):
    from dibao_cli.reading import sheets

    data = b"\n".join(b"x" * n for n in lengths) + (b"\n" if final_newline else b"")
    expected = next((i + 1 for i, line in enumerate(data.split(b"\n")) if len(line) > 8), None)
    old = sheetscan.MAX_LINE_BYTES
    sheetscan.MAX_LINE_BYTES = 8
    try:
        assert sheets._long_line(data) == expected
    finally:
        sheetscan.MAX_LINE_BYTES = old
