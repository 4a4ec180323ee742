"""Inputs that cannot be read: one clear Chinese sentence, exit 3, never a traceback."""

import zipfile

import pytest

from conftest import EXAMPLES, write_xlsx, person


def check(run, path):
    result = run("check", path)
    assert result.code == 3, result.out + result.err
    assert "Traceback" not in result.err and result.err.startswith("错误：")
    return result.err


def test_missing_file(run, tmp_path):
    assert "找不到文件" in check(run, tmp_path / "nope.xlsx")


def test_folder(run, tmp_path):
    assert "是文件夹" in check(run, tmp_path)


def test_empty_file(run, tmp_path):
    (tmp_path / "empty.xlsx").write_bytes(b"")
    assert "是空的" in check(run, tmp_path / "empty.xlsx")


def test_not_a_spreadsheet(run, tmp_path):
    (tmp_path / "photo.xlsx").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    assert "不是有效的 Excel 文件" in check(run, tmp_path / "photo.xlsx")
    (tmp_path / "blob.bin").write_bytes(b"\x00\x01\x02" * 50)
    assert "不是电子表格" in check(run, tmp_path / "blob.bin")


def test_truncated_zip(run, tmp_path):
    data = (EXAMPLES / "roster.xlsx").read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(data[: len(data) // 2])
    assert "已损坏或不完整" in check(run, tmp_path / "cut.xlsx")


def test_zip_that_is_not_a_workbook(run, tmp_path):
    with zipfile.ZipFile(tmp_path / "fake.xlsx", "w") as z:
        z.writestr("hello.txt", "hi")
    assert "已损坏或不完整" in check(run, tmp_path / "fake.xlsx")


def test_password_protected_workbook(run, tmp_path):
    from msoffcrypto.format.ooxml import OOXMLFile

    with open(EXAMPLES / "roster.xlsx", "rb") as src, open(tmp_path / "locked.xlsx", "wb") as out:
        OOXMLFile(src).encrypt("secret", out)
    assert "设有打开密码" in check(run, tmp_path / "locked.xlsx")


def test_missing_required_columns_are_named(run, tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [person("H1", "马建国", "1981-03-15")],
                      header=["户编号", "姓名", "城乡类别", "乡镇"])
    err = check(run, path)
    assert "缺少必需的列：身份证号、与户主关系" in err


def test_no_header_at_all(run, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["这不是名册"])
    wb.active.append([1, 2, 3])
    wb.save(tmp_path / "x.xlsx")
    assert "找不到名册表头" in check(run, tmp_path / "x.xlsx")


def test_input_file_is_never_modified(run, tmp_path):
    import hashlib

    path = EXAMPLES / "messy-roster.xlsx"
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    checked = run("check", path, "--format", "xlsx", "-o", tmp_path / "p.xlsx")
    assert checked.code == 1, checked.err  # exit 1: the roster was read and has errors (listed in p.xlsx)
    assert (tmp_path / "p.xlsx").is_file()
    assessed = run("assess", path, "--format", "json")
    assert assessed.code == 1, assessed.err  # exit 1: households with errors were left out of the assessment
    assert '"left_out": [' in assessed.out
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


@pytest.mark.parametrize("args", [["check"], ["assess", "--format", "nope", "x.xlsx"], ["nosuch"]])
def test_usage_errors_exit_2_in_chinese(run, args):
    result = run(*args)
    assert result.code == 2 and "用法错误" in result.err
